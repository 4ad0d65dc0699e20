namespace SmoothInfo.Policy.Model;

/// <summary>
/// A loaded and validated policy (smoothinfo.yml). Paths are absolute, resolved against the policy
/// file's folder. Defaults come from the JSON Schema; docs/policy.md documents every key.
/// </summary>
public sealed record SmoothInfoPolicy(
    string PolicyFile,
    int Version,
    DatasetPolicy Dataset,
    ModelPolicy Model,
    TrainingPolicy Training,
    EstimatorPolicy Estimator,
    RulesPolicy Rules,
    string? Baseline,
    ReportsPolicy Reports)
{
    /// <summary>Where the user wrote each key, for errors found after loading.</summary>
    public PolicyKeyLocations Locations { get; init; } = PolicyKeyLocations.None(PolicyFile);

    /// <summary>
    /// Held-out samples F-SI is measured on (the paper's definition); null: F-SI on the other training samples. Read with
    /// the training data's classes and its fitted preprocessing statistics.
    /// </summary>
    public DatasetPolicy? HeldOut { get; init; }
}

public sealed record DatasetPolicy(
    DatasetFormat Format,
    string Path,
    string? Labels,
    string LabelColumn,
    IReadOnlyList<string> FeatureColumns,
    string? IdColumn,
    string? SourceColumn,
    string ImageColumn,
    IReadOnlyList<string> Classes,
    PreprocessingPolicy Preprocessing)
{
    /// <summary>The policy section it was written under (dataset or heldOut), so errors name the user's keys.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Section { get; init; } = "dataset";
}

/// <param name="ImageSize">Width and height images are resized to; null keeps their own size.</param>
public sealed record PreprocessingPolicy(FeatureScaling Features, (int Width, int Height)? ImageSize, int Channels);

/// <param name="LinearizeLastLayers">Null: linearize in all parameters; N: only in the last N layers.</param>
/// <param name="BackboneAt">Where 'model.backbone' is written: a backbone on data that turns out not to be images is an
/// error located there once the dataset is read. Not part of the estimator cache's key (moving a line changes no result).</param>
/// <param name="OnnxBackbone">The user's own ONNX network as the backbone (then <paramref name="Backbone"/> is none).</param>
public sealed record ModelPolicy(ProbePolicy Probe, string? Weights, WeightsFormat WeightsFormat, int? LinearizeLastLayers,
    Backbone Backbone = Backbone.None, [property: System.Text.Json.Serialization.JsonIgnore] SmoothInfo.Diagnostics.SourceLocation? BackboneAt = null,
    OnnxBackbonePolicy? OnnxBackbone = null)
{
    public bool HasBackbone => Backbone != Backbone.None || OnnxBackbone is not null;

    /// <summary>How messages name the backbone: 'resnet18', or the ONNX file's name.</summary>
    public string BackboneName => OnnxBackbone is { } onnx ? System.IO.Path.GetFileName(onnx.Path) : KebabCase.Of(Backbone);
}

/// <summary>The user's network (model.backbone: { onnx, output, input }): the features are the named output's values per sample.</summary>
/// <param name="Input">The graph input the samples feed; null: the model's only input.</param>
public sealed record OnnxBackbonePolicy(string Path, string Output, string? Input);

public sealed record ProbePolicy(ProbeKind Kind, IReadOnlyList<int> Widths, Activation Activation, IReadOnlyList<int> Channels, int KernelSize);

/// <param name="Steps">Null: train to convergence (<c>steps: inf</c>).</param>
/// <param name="WeightDecay">Null: chosen by the exact leave-one-out error on a grid (<c>weightDecay: auto</c>).</param>
public sealed record TrainingPolicy(double LearningRate, long? Steps, double? WeightDecay, TrainingDynamics Dynamics, LossReduction Loss);

public sealed record EstimatorPolicy(
    IReadOnlyList<Measure> Measures,
    double Sigma,
    KernelPolicy Kernel,
    ComputeDevice Device,
    Precision Precision,
    int MaxSamples,
    long Seed)
{
    /// <summary>The SGD run whose noise smooths the weights for <see cref="Measure.WeightSiSgd"/>.</summary>
    public SgdPolicy Sgd { get; init; } = new(null);

    /// <summary>The memory the planner lets the estimator's route take (estimator.memoryBudget).</summary>
    public MemoryBudget MemoryBudget { get; init; } = MemoryBudget.Default;
}

/// <param name="BatchSize">The training's mini-batch size; null when not given (weight-si-sgd then cannot be measured).</param>
public sealed record SgdPolicy(int? BatchSize);

/// <param name="BlockSize">At most this many samples per block of the kernel computation.</param>
public sealed record KernelPolicy(int BlockSize, ProjectionPolicy Projection);

/// <param name="Sparsity">sparse-sign: non-zeros have probability 1/Sparsity; null: 1/sqrt(d).</param>
public sealed record ProjectionPolicy(JacobianProjectionKind Kind, long Dimension, double? Sparsity);

/// <param name="Score">The per-sample signal every threshold applies to (docs/rules-and-reports.md says why the default).</param>
public sealed record RulesPolicy(
    ScoreSignal Score,
    CategoryRule Mislabeled,
    CategoryRule Corrupted,
    CategoryRule AdversarialLooking,
    CategoryRule Atypical,
    InputOutlierRule InputOutliers,
    BudgetsPolicy Budgets,
    UnchangedSamples UnchangedSamples = UnchangedSamples.Warning)
{
    /// <summary>Whether identical or near-identical inputs under different labels are findings (SI1005).</summary>
    public ConflictingDuplicatesRule ConflictingDuplicates { get; init; } = new(true);

    /// <summary>Whether, and above which isolation, inputs no other sample explains are corrupted findings (SI1002).</summary>
    public IsolatedInputRule IsolatedInputs { get; init; } = new(true, IsolatedInputRule.DefaultThreshold);
}

public sealed record CategoryRule(bool Enabled, ThresholdKind Kind, double Threshold);

/// <summary>Identical or near-identical inputs under different labels are findings; no threshold (docs/rules-and-reports.md says what "near" is).</summary>
public sealed record ConflictingDuplicatesRule(bool Enabled);

/// <summary>Corrupted findings from the inputs alone: a robust z-score of the distance from the data's principal subspace above Threshold.</summary>
public sealed record InputOutlierRule(bool Enabled, double Threshold);

/// <summary>
/// Corrupted findings from the kernel: a sample whose isolation (the share of the kernel's variance at its input the other
/// samples leave unexplained, 0 to 1) is above Threshold; the model trained without it predicts the prior there.
/// </summary>
public sealed record IsolatedInputRule(bool Enabled, double Threshold)
{
    /// <summary>The schema's default: the other samples explain less than 2% of the kernel's variance at the input (docs/rules-and-reports.md).</summary>
    public const double DefaultThreshold = 0.98;
}

public sealed record BudgetsPolicy(Budget Overall, Budget PerClass, Budget PerSource);

/// <summary>Findings tolerated; null means no limit of that kind.</summary>
public sealed record Budget(long? MaxCount, double? MaxFraction);

public sealed record ReportsPolicy(string Directory, IReadOnlyList<ReportFormat> Formats);
