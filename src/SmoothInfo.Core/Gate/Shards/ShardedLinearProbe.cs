using SmoothInfo.Data;
using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Planning;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reports;
using static TorchSharp.torch;

namespace SmoothInfo.Gate.Shards;

/// <summary>
/// The linear probe's gate split into stages that separate processes (CI matrix jobs, Kubernetes Jobs, a Slurm array) run,
/// exchanging small files in one folder (docs/sharding.md). Every statistic that spans samples is a sum over them, added in
/// shard order, so the result is the one-process run's up to the order of floating-point additions:
/// <list type="number">
/// <item>stats, per shard: Phi^T Phi and Phi^T r of its samples (<see cref="FeatureSums"/>).</item>
/// <item>merge: their sum's eigendecomposition and the weight-decay grid (<see cref="FeatureSpaceSpectrum"/>).</item>
/// <item>errors, per shard: its leave-one-out error sums on the grid, its untrusted samples and, when it has some, its sums
/// without them (<see cref="HighLeverageRefit.KeptSums"/>).</item>
/// <item>choose: the weight decay with the least summed error, the untrusted samples solved again (<see cref="FeatureSpaceChoice"/>).</item>
/// <item>score, per shard: every sample's quantities, and its part of the flagged samples' sums over the others.</item>
/// <item>judge: the parts put together, the inputs' own measurements (principal-subspace residual, duplicate groups) computed
/// over the whole dataset as `check` does, the rules applied: the same report and exit code as `check`.</item>
/// </list>
/// Every stage reads the policy and the dataset (hashing every sample: the identity the files carry) and computes only its
/// shard's samples. Its tensors belong to the caller's dispose scope.
/// </summary>
public sealed class ShardedLinearProbe
{
    private readonly SmoothInfoPolicy _policy;
    private readonly Dataset _dataset;
    private readonly LinearProbeProblem _problem;
    private readonly Tensor _residual;
    private readonly TrainingRun _run;
    private readonly string _identity;
    private readonly Plan _plan;
    private const long ChunkRows = FeatureSpaceLeaveOneOut.ChunkRows;

    private ShardedLinearProbe(SmoothInfoPolicy policy, Dataset dataset, Device device, string directory)
    {
        _policy = policy;
        _dataset = dataset;
        Directory = directory;
        // Planned by every stage before it allocates, so each refuses a policy `check` would refuse, and the report says the route.
        _plan = GatePipeline.FeatureProbePlan(policy, dataset, heldOut: null, embeddedFeatures: null);
        _problem = new LinearProbeProblem(dataset, GatePipeline.Dtype(policy.Estimator), device, backbone: null, ChunkRows);
        _residual = _problem.Targets - _problem.Prior;
        _run = GatePipeline.TrainingRunOf(policy);
        _identity = EstimatorCache.Key(policy, dataset, heldOut: null, device);
    }

    /// <summary>The folder the stages exchange their files in.</summary>
    public string Directory { get; }

    private ScalarType Dtype => _problem.Targets.dtype;

    private long Samples => _problem.Samples;

    /// <summary>The policy's run, refused unless it is one the stages can split: the linear probe on the inputs as read.</summary>
    /// <param name="device">null: the policy's estimator.device.</param>
    public static ShardedLinearProbe Open(SmoothInfoPolicy policy, string directory, Device? device = null)
    {
        if (policy.Model.Probe.Kind != ProbeKind.Linear)
            throw new InputException(ErrorCodes.PolicyInconsistent,
                $"sharded runs split the linear probe's sums over samples; this policy's probe is '{policy.Model.Probe.Kind.ToString().ToLowerInvariant()}'.",
                "set 'model.probe.kind: linear' (on embeddings or tabular features), or run 'smoothinfo check' without --workers / shard stages.",
                policy.Locations.Of("model.probe.kind"));
        if (policy.Model.Backbone != Backbone.None || policy.Model.OnnxBackbone is not null)
            throw new InputException(ErrorCodes.PolicyInconsistent,
                "sharded runs take the features as read; a 'model.backbone' would have to embed and standardize every image in every shard.",
                "embed the images once (save the features as NPY) and point 'dataset' at them, or run 'smoothinfo check' in one process.",
                policy.Locations.Of("model.backbone"));
        if (policy.HeldOut is not null)
            throw new InputException(ErrorCodes.PolicyInconsistent,
                "'heldOut' is not supported with 'model.probe.kind: linear' (sharded or not).", "remove 'heldOut'.", policy.Locations.Of("heldOut"));
        var dataset = DatasetReader.Read(policy);
        if (dataset.Count < 2) throw new InputException(ErrorCodes.TooFewSamples, $"leave-one-out needs at least 2 samples (got {dataset.Count}).");
        return new ShardedLinearProbe(policy, dataset, device ?? PolicyDevice.Resolve(policy), directory);
    }

    /// <summary>Opens the run and runs one stage of it, its tensors freed afterwards.</summary>
    public static T Run<T>(SmoothInfoPolicy policy, string directory, Device? device, Func<ShardedLinearProbe, T> stage)
    {
        using var scope = NewDisposeScope();
        return stage(Open(policy, directory, device));
    }

    /// <summary>Stage 1: the shard's sums.</summary>
    public string Stats(ShardRange shard)
    {
        var (first, count) = Range(shard);
        var sums = FeatureSums.Accumulate(_problem.Design, _residual, first, count, ChunkRows);
        return Write(ShardStage.Stats, shard, file => file.With("gram", sums.Gram).With("moment", sums.Moment));
    }

    /// <summary>Stage 2: the shards' sums added, one eigendecomposition, the grid.</summary>
    public string Merge(int shards)
    {
        var sums = FeatureSums.Total(ReadAll(ShardStage.Stats, shards).Select(Sums).ToList());
        var spectrum = FeatureSpaceSpectrum.Of(sums, Samples, LinearProbeProblem.Grid(_run, chooseWeightDecay: _policy.Training.WeightDecay is null));
        return Write(ShardStage.Merge, Merged(shards), file => file.With("eigenvalues", spectrum.Eigenvalues).With("vectors", spectrum.Vectors)
            .With("projectedMoment", spectrum.ProjectedMoment).With("weightDecays", spectrum.WeightDecays.ToArray()));
    }

    /// <summary>Stage 3: the shard's leave-one-out errors on the grid.</summary>
    public string Errors(ShardRange shard)
    {
        var spectrum = Spectrum(shard.Count);
        var (first, count) = Range(shard);
        var errors = spectrum.Errors(_problem.Design, _residual, first, count, ChunkRows);
        var untrusted = errors.Untrusted.Order().ToArray();
        var points = Enumerable.Range(0, errors.UntrustedAt.Length);
        return Write(ShardStage.Errors, shard, file =>
        {
            file.With("sums", errors.Sums)
                .WithIntegers("untrustedSamples", points.SelectMany(g => errors.UntrustedAt[g]))
                .WithIntegers("untrustedGridPoints", points.SelectMany(g => errors.UntrustedAt[g].Select(_ => (long)g)));
            if (untrusted.Length == 0) return;
            var (gram, moment) = HighLeverageRefit.KeptSums(first, count, _problem.Design, _residual.unsqueeze(1), untrusted, ChunkRows);
            file.With("keptGram", gram).With("keptMoment", moment);
        });
    }

    /// <summary>Stage 4: the weight decay chosen on the summed errors, the untrusted samples solved again.</summary>
    public string Choose(int shards)
    {
        var spectrum = Spectrum(shards);
        var files = ReadAll(ShardStage.Errors, shards);
        var errors = GridErrors.Total(files.Select(file => UntrustedAt(file, spectrum.WeightDecays.Count, file.Doubles("sums"))).ToList());
        var untrusted = errors.Untrusted.Order().ToArray();
        HighLeverageRefit? refit = null;
        if (untrusted.Length > 0)
        {
            // The sums without the untrusted rows: a shard that has none of them contributes its plain sums.
            var stats = ReadAll(ShardStage.Stats, shards);
            var kept = FeatureSums.Total(files.Select((file, s) => file.Has("keptGram")
                ? new FeatureSums(file.Tensor("keptGram", Dtype), file.Tensor("keptMoment", Dtype)) : Sums(stats[s])).ToList());
            refit = HighLeverageRefit.Of(untrusted, kept.Gram, kept.Moment, _problem.Design, _residual.unsqueeze(1));
        }
        var choice = spectrum.Choose(errors, refit, _run.Names, _run);
        return Write(ShardStage.Choose, Merged(shards), file =>
        {
            file.With("chosen", new[] { choice.WeightDecay }).With("looErrors", choice.Path.LeaveOneOutErrors.ToArray()).WithIntegers("flagged", choice.Flagged);
            if (choice.FlaggedResiduals is not null) file.With("flaggedResiduals", choice.FlaggedResiduals);
        });
    }

    /// <summary>Stage 5: every sample of the shard measured at the chosen weight decay.</summary>
    public string Score(ShardRange shard)
    {
        var choice = Choice(shard.Count);
        var (first, count) = Range(shard);
        var scores = choice.Score(_problem.Design, _residual, _problem.Targets, first, count, ChunkRows);
        return Write(ShardStage.Score, shard, file => file.With("weightChange", scores.WeightChange)
            .With("trainPredictionChange", scores.TrainPredictionChange).With("looPrediction", scores.LeaveOneOutPrediction)
            .With("othersSquaredChange", choice.OthersSquaredChange(_problem.Design, first, count, ChunkRows)));
    }

    /// <summary>Stage 6: the estimator's output of every sample, the shards' parts put together (unrounded).</summary>
    public LeaveOneOutResult Result(int shards)
    {
        var choice = Choice(shards);
        var files = ReadAll(ShardStage.Score, shards);
        Tensor All(string name) => cat(files.Select(file => file.Tensor(name, Dtype)).ToList());
        // No isolation: the linear probe does not report it (GatePipeline.Signals).
        var scores = new FeatureScores(All("weightChange"), All("trainPredictionChange"), All("looPrediction"), Isolation: null, null);
        var others = files.Select(file => file.Tensor("othersSquaredChange", Dtype)).Aggregate((sum, part) => sum + part);
        choice.MeasureFlagged(scores, _problem.Design, _problem.Targets, others);
        return new LeaveOneOutResult(scores.WeightChange, scores.TrainPredictionChange, null, scores.LeaveOneOutPrediction, 0,
            _problem.Described(choice.Report()));
    }

    /// <summary>Stage 6: the verdict, as `check` reaches it from the estimator's output.</summary>
    public GateReport Judge(int shards)
    {
        var output = ReportedPrecision.Round(GatePipeline.FeatureProbeOutput(Result(shards), _dataset, _policy, _plan));
        return GatePipeline.Judge(_policy, _dataset, output, GatePipeline.LoadBaseline(_policy));
    }

    private (long First, long Count) Range(ShardRange shard)
    {
        if (shard.Count > Samples)
            throw new InputException(ErrorCodes.UsageError, $"{shard.Count} shards for {Samples} samples would leave shards empty.",
                $"use at most {Samples} shards.");
        return (shard.First(Samples), shard.Samples(Samples));
    }

    private static ShardRange Merged(int shards) => new(0, shards);

    private FeatureSums Sums(ShardFile stats) => new(stats.Tensor("gram", Dtype), stats.Tensor("moment", Dtype));

    private FeatureSpaceSpectrum Spectrum(int shards)
    {
        var file = Read(ShardStage.Merge, Merged(shards));
        return new FeatureSpaceSpectrum(Samples, file.Tensor("eigenvalues", Dtype), file.Tensor("vectors", Dtype), file.Tensor("projectedMoment", Dtype),
            file.Doubles("weightDecays"));
    }

    private FeatureSpaceChoice Choice(int shards)
    {
        var spectrum = Spectrum(shards);
        var file = Read(ShardStage.Choose, Merged(shards));
        var path = new RegularizationPath(file.Doubles("chosen")[0], spectrum.WeightDecays, file.Doubles("looErrors"));
        var flagged = file.Integers("flagged");
        return new FeatureSpaceChoice(spectrum, path, flagged, flagged.Length > 0 ? file.Tensor("flaggedResiduals", Dtype) : null);
    }

    private static GridErrors UntrustedAt(ShardFile errors, int gridPoints, double[] sums)
    {
        var untrustedAt = Enumerable.Range(0, gridPoints).Select(_ => new List<long>()).ToArray();
        var samples = errors.Integers("untrustedSamples");
        var points = errors.Integers("untrustedGridPoints");
        for (int i = 0; i < samples.Length; i++) untrustedAt[points[i]].Add(samples[i]);
        return new GridErrors(sums, untrustedAt);
    }

    private string Write(ShardStage stage, ShardRange shard, Action<ShardFile> fill)
    {
        var file = new ShardFile(stage.Name(), _identity, shard);
        fill(file);
        string path = stage.PathIn(Directory, shard);
        System.IO.Directory.CreateDirectory(Directory);
        file.Write(path);
        return path;
    }

    private ShardFile Read(ShardStage stage, ShardRange shard) =>
        ShardFile.Read(stage.PathIn(Directory, shard), stage.Name(), _identity, shard, stage.Command(shard));

    private List<ShardFile> ReadAll(ShardStage stage, int shards)
    {
        if (shards < 1) throw new InputException(ErrorCodes.UsageError, $"--shards {shards} is not a shard count.", "pass the N the per-shard stages ran with (--shard I/N).");
        return Enumerable.Range(1, shards).Select(index => Read(stage, new ShardRange(index, shards))).ToList();
    }
}
