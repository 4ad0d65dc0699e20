using SmoothInfo.Data;
using SmoothInfo.Data.Images;
using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Kernels;
using SmoothInfo.Planning;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reports;
using SmoothInfo.Results;
using SmoothInfo.Rules;
using static TorchSharp.torch;

namespace SmoothInfo.Gate;

/// <summary>
/// How a gate run reports progress, which device it uses (the policy's unless overridden), and where it caches the
/// estimator's output (null: always recompute).
/// </summary>
public sealed record GateRunOptions(Device? Device = null, IProgress<EstimatorProgress>? Progress = null,
    IProgress<KernelProgress>? KernelProgress = null, string? CacheFile = null);

/// <summary>The report of one gate run, and whether the estimator's output came from the cache.</summary>
public sealed record GateRun(GateReport Report, bool EstimatorReused);

/// <summary>
/// One run of the gate, in the order of the data flow: policy -> dataset -> model -> kernel -> estimator -> rules ->
/// report. Deterministic: seeded initialization, no sampling, ties broken by sample order.
/// </summary>
public static class GatePipeline
{
    public static string ToolVersion => typeof(GatePipeline).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static GateRun Run(SmoothInfoPolicy policy, GateRunOptions options)
    {
        using var scope = NewDisposeScope();
        var device = options.Device ?? PolicyDevice.Resolve(policy);
        // Read before the data and the estimator, so a damaged baseline costs seconds, not a whole run.
        var baseline = LoadBaseline(policy);
        var dataset = DatasetReader.Read(policy);
        var heldOut = DatasetReader.ReadHeldOut(policy, dataset);
        string? key = options.CacheFile is null ? null : EstimatorCache.Key(policy, dataset, heldOut, device);
        var cached = key is null ? null : EstimatorCache.Load(options.CacheFile!, key, dataset);
        // Rounded before it is cached or judged, so the verdict and the reports do not depend on the thread count.
        var output = cached ?? ReportedPrecision.Round(Estimate(policy, dataset, heldOut, device, options));
        if (key is not null && cached is null) EstimatorCache.Save(options.CacheFile!, key, output);
        return new GateRun(Judge(policy, dataset, output, baseline), cached is not null);
    }

    /// <summary>The estimator's output (rounded) judged: the inputs' own measurements added, then the rules and baseline applied.</summary>
    public static GateReport Judge(SmoothInfoPolicy policy, Dataset dataset, EstimatorOutput output, Baseline baseline)
    {
        output = WithInputMeasurements(output, dataset);
        return Evaluate(policy, ToolVersion, policy.Dataset.Path, SampleCatalog.Of(dataset), output,
            evaluation => Thumbnails(dataset, output.Signals, evaluation), baseline);
    }

    /// <summary>The policy's baseline, or none when the policy names none or its file does not exist yet.</summary>
    public static Baseline LoadBaseline(SmoothInfoPolicy policy) =>
        policy.Baseline is { } path && File.Exists(path) ? Baseline.Load(path) : Baseline.Empty;

    /// <summary>
    /// The policy's rules and baseline applied to the estimator's output: the step `check` and `report` share.
    /// </summary>
    /// <param name="baseline">Already read (by <see cref="Run"/>); null: read it from the policy here.</param>
    public static GateReport Evaluate(SmoothInfoPolicy policy, string toolVersion, string datasetPath, SampleCatalog samples,
        EstimatorOutput output, Func<RuleEvaluation, IReadOnlyDictionary<int, string>?> thumbnails, Baseline? baseline = null)
    {
        var signals = output.Signals.Select(s => s with { Scoring = policy.Rules.Score, Sigma = policy.Estimator.Sigma }).ToList();
        baseline ??= LoadBaseline(policy);
        var evaluation = RuleEngine.Evaluate(signals, samples, policy.Rules, baseline);
        return new GateReport(toolVersion, policy.PolicyFile, datasetPath, samples.ClassNames, samples.Locators, samples.ContentHashes,
            samples.Sources, signals, ScoreName(policy.Rules.Score, output.Solver), policy.Estimator.Sigma, output.Solver,
            evaluation, GroupSummary.Of(signals, samples.ClassNames, samples.Sources, evaluation.Findings), thumbnails(evaluation));
    }

    /// <summary>The signal thresholds apply to, as the reports name it (F-SI says which inputs it was measured on).</summary>
    public static string ScoreName(ScoreSignal score, SolverReport solver) => score switch
    {
        ScoreSignal.LabelSurprise => "label surprise",
        ScoreSignal.FunctionalSi => FindingText.FunctionalSIName(solver),
        _ => "weight SI",
    };

    private static EstimatorOutput Estimate(SmoothInfoPolicy policy, Dataset dataset, Dataset? heldOut, Device device, GateRunOptions options)
    {
        var estimator = policy.Estimator;
        var dtype = Dtype(estimator);
        var training = policy.Training;
        var run = TrainingRunOf(policy);
        if (policy.Model.Probe.Kind is ProbeKind.Gaussian or ProbeKind.Linear)
        {
            if (heldOut is not null && (policy.Model.Probe.Kind == ProbeKind.Linear || policy.Model.Backbone != Backbone.None || policy.Model.OnnxBackbone is not null))
                throw new InputException(ErrorCodes.PolicyInconsistent,
                    "'heldOut' is supported with the gaussian probe on the inputs as read, and with network probes; not yet with 'model.probe.kind: linear' or a 'model.backbone' (the held-out samples are not run through either).",
                    "remove 'heldOut' (F-SI is then measured on the other training samples), or the backbone / linear probe.", policy.Locations.Of("heldOut"));
            // The embedding cache sits beside the estimator's; --no-cache (no cache file) embeds every image afresh.
            var backbone = BackboneRun.Embed(policy, dataset, options.CacheFile is { } cache ? Path.GetDirectoryName(Path.GetFullPath(cache)) : null, options.Progress);
            var featurePlan = FeatureProbePlan(policy, dataset, heldOut, backbone?.Rows[0].Length);
            var featureResult = policy.Model.Probe.Kind == ProbeKind.Linear
                ? LinearProbeRun.Estimate(dataset, run, chooseWeightDecay: training.WeightDecay is null, dtype, device, backbone)
                : GaussianProbeRun.Estimate(featurePlan, dataset, training, estimator.Seed, dtype, device, run.Names, backbone, heldOut);
            return FeatureProbeOutput(featureResult, dataset, policy, featurePlan);
        }
        var network = ProbeModel.Build(policy.Model, dataset, estimator.Seed, dtype, device);
        var projection = ProbeModel.Projection(estimator);
        // Planned before the inputs are converted: a refusal allocates nothing large.
        var plan = RoutePlanner.ForNetwork(NetworkSizes.Of(network, ProbeModel.Selection(policy.Model), dataset.Count, dataset.ClassNames.Count,
            ProbeModel.InputShape(dataset, policy.Model), heldOut?.Count ?? 0, dtype, projection), run, autoWeightDecay: training.WeightDecay is null, Budget(policy));
        var inputs = ProbeModel.Inputs(dataset, policy.Model, dtype).to(device);
        var labels = DatasetTensors.Labels(dataset).to(device);
        var heldOutInputs = heldOut is null ? null : ProbeModel.Inputs(heldOut, policy.Model, dtype).to(device);
        var result = LeaveOneOutRun.Estimate(plan, network, ProbeModel.Selection(policy.Model), inputs, labels, dataset.ClassNames.Count,
            run, new EstimatorOptions(dtype, device, Progress: options.Progress), options.KernelProgress, projection,
            estimator.Kernel.BlockSize, chooseWeightDecay: training.WeightDecay is null, heldOut: heldOutInputs);
        var solver = result.Solver with { HeldOutSamples = result.TestSampleCount };
        var signals = Signals(result, dataset, policy);
        if (!estimator.Measures.Contains(Measure.WeightSiSgd)) return new EstimatorOutput(signals, solver);

        // weight-si-sgd at the run's weight decay (the chosen one under weightDecay: auto); the binder refused finite t.
        var converged = run with { WeightDecay = result.Solver.Regularization?.Chosen ?? run.WeightDecay };
        int batchSize = estimator.Sgd.BatchSize ?? throw new InvalidOperationException("the binder requires estimator.sgd.batchSize with weight-si-sgd");
        var targets = TorchSharp.torch.nn.functional.one_hot(labels, dataset.ClassNames.Count).to(dtype, device);
        double[] sgd = SgdNoiseRun.Measure(network, ProbeModel.Selection(policy.Model), ProbeModel.Projection(estimator), inputs, targets,
            LeaveOneOutRun.InitialPredictions(network, inputs, dtype), converged, batchSize, policy.Locations.Of("estimator.measures"))
            .to(float64).data<double>().ToArray();
        return new EstimatorOutput(signals.Select(s => s with { WeightSISgd = sgd[s.Index] }).ToList(),
            solver with { SgdNoiseScale = converged.LearningRate / batchSize });
    }

    /// <summary>The precision the policy's estimator solves in.</summary>
    public static ScalarType Dtype(EstimatorPolicy estimator) => estimator.Precision == Precision.Float32 ? ScalarType.Float32 : ScalarType.Float64;

    /// <summary>The policy's training run, with its settings' locations for the errors about them.</summary>
    public static TrainingRun TrainingRunOf(SmoothInfoPolicy policy)
    {
        var training = policy.Training;
        return new TrainingRun(training.LearningRate, training.Steps is { } steps ? steps : double.PositiveInfinity,
            training.WeightDecay ?? 0, // auto: a grid decides, on the features
            training.Dynamics, training.Loss)
        {
            Names = TrainingSettingNames.Policy(policy.Locations),
        };
    }

    /// <summary>A feature probe's leave-one-out result as the estimator's output (before rounding).</summary>
    public static EstimatorOutput FeatureProbeOutput(LeaveOneOutResult result, Dataset dataset, SmoothInfoPolicy policy, Plan plan) =>
        new(Signals(result, dataset, policy), result.Solver with { HeldOutSamples = result.TestSampleCount, Plan = plan.Summary });

    /// <summary>The route of a probe on features (gaussian or linear), from the sizes alone: refuses before any large allocation.</summary>
    /// <param name="embeddedFeatures">The backbone's feature count when the inputs are embedded first.</param>
    public static Plan FeatureProbePlan(SmoothInfoPolicy policy, Dataset dataset, Dataset? heldOut, int? embeddedFeatures)
    {
        var size = new ProblemSize(dataset.Count, dataset.ClassNames.Count, embeddedFeatures ?? dataset.FeatureCount,
            heldOut?.Count ?? 0, NetworkSizes.ElementBytes(Dtype(policy.Estimator)));
        var budget = Budget(policy);
        return policy.Model.Probe.Kind == ProbeKind.Linear
            ? RoutePlanner.ForLinearProbe(size, embedded: embeddedFeatures is not null, budget)
            : RoutePlanner.ForGaussianProbe(size, GaussianProbeRun.ExactKernelSamples, budget);
    }

    private static PlanBudget Budget(SmoothInfoPolicy policy) =>
        PlanBudget.Of(policy.Estimator.MemoryBudget, policy.Locations.Of("estimator.memoryBudget"));

    /// <summary>
    /// The inputs' distances from their principal subspace and their duplicate groups: inputs only, cheap, so measured
    /// on every run rather than cached.
    /// </summary>
    private static EstimatorOutput WithInputMeasurements(EstimatorOutput output, Dataset dataset)
    {
        // Read in row blocks: on a fresh run the estimator's own copy of the inputs may still be alive in the caller's scope.
        var residual = PrincipalSubspaceResidual.Compute(dataset.Count, (first, rows) => DatasetTensors.Rows(dataset, first, rows, ScalarType.Float64)).Distance;
        var duplicates = DuplicateInputs.Find(dataset).Groups;
        return output with
        {
            Signals = output.Signals.Select(s => s with { InputResidual = ReportedPrecision.Round(residual[s.Index]), DuplicateGroup = duplicates[s.Index] }).ToList(),
        };
    }

    private static List<SampleSignals> Signals(LeaveOneOutResult result, Dataset dataset, SmoothInfoPolicy policy)
    {
        var estimator = policy.Estimator;
        double[] weightSI = result.WeightSI(estimator.Sigma).to(float64).data<double>().ToArray();
        double[]? functionalSI = estimator.Measures.Contains(Measure.FunctionalSi)
            ? result.FunctionalSI(estimator.Sigma).to(float64).data<double>().ToArray() : null;
        double[] loo = result.LeaveOneOutPrediction.to(float64).contiguous().data<double>().ToArray();
        // Every feature-space solve yields isolation, but its rule's threshold was chosen and checked on the gaussian kernel
        // only (docs/rules-and-reports.md, "Isolated inputs"): the linear and network probes do not report it.
        double[]? isolation = policy.Model.Probe.Kind == ProbeKind.Gaussian ? result.Isolation?.to(float64).data<double>().ToArray() : null;
        int k = dataset.ClassNames.Count;
        return Enumerable.Range(0, dataset.Count).Select(i => new SampleSignals(i, dataset.Labels[i], weightSI[i],
            functionalSI?[i] ?? double.NaN, loo.AsSpan(i * k, k).ToArray()) { Isolation = isolation?[i] ?? double.NaN }).ToList();
    }

    /// <summary>Thumbnails for image datasets: the findings and the most and least informative samples the HTML report shows.</summary>
    private static Dictionary<int, string>? Thumbnails(Dataset dataset, IReadOnlyList<SampleSignals> signals, RuleEvaluation evaluation)
    {
        if (!Thumbnail.IsImage(dataset.SampleShape)) return null;
        var shown = evaluation.Findings.Select(f => f.SampleIndex)
            .Concat(DatasetSummary.MostInformative(signals).Concat(DatasetSummary.LeastInformative(signals)).Select(s => s.Index));
        return shown.Distinct().ToDictionary(i => i, i => Thumbnail.DataUri(dataset[i].Features.Span, dataset.SampleShape));
    }
}
