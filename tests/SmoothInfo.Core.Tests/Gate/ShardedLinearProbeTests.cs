using SmoothInfo.Data;
using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Evidence;
using SmoothInfo.Gate;
using SmoothInfo.Gate.Shards;
using SmoothInfo.Policy.Loading;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reports;
using SmoothInfo.Tests.Data;
using SmoothInfo.Tests.Estimation;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Gate;

/// <summary>
/// The linear probe's gate split into shard stages, each stage opened afresh as a separate process would (policy, data and
/// files read again), against the one-process run: every per-sample quantity to 1e-9 relative (each entry against itself),
/// the same weight decay, findings and verdict; high-leverage samples in different shards against retraining from scratch;
/// and every way the exchanged files can disagree refused with SI27xx.
/// </summary>
public sealed class ShardedLinearProbeTests : DataFolder
{
    private string Shards => PathOf("shards");

    private SmoothInfoPolicy EmbeddingsPolicy(string weightDecay, int count = 2000, string probe = "linear")
    {
        SyntheticEmbeddings.Write(PathOf("x.npy"), PathOf("y.npy"), count, dimension: 24, classes: 4, flipRate: 0.01, seed: 5);
        WriteText("smoothinfo.yml", "version: 1\ndataset:\n  format: npy\n  path: x.npy\n  labels: y.npy\n" +
            $"model:\n  probe: {{ kind: {probe} }}\ntraining:\n  weightDecay: {weightDecay}\nreports:\n  directory: out\n");
        return PolicyLoader.Load(PathOf("smoothinfo.yml"));
    }

    /// <summary>Every stage in order, each in a fresh <see cref="ShardedLinearProbe"/>, as separate jobs run them.</summary>
    private T RunStages<T>(SmoothInfoPolicy policy, int shards, Func<ShardedLinearProbe, T> last)
    {
        void Stage(Func<ShardedLinearProbe, string> stage) => ShardedLinearProbe.Run(policy, Shards, CPU, stage);
        foreach (int index in Enumerable.Range(1, shards)) Stage(probe => probe.Stats(new ShardRange(index, shards)));
        Stage(probe => probe.Merge(shards));
        foreach (int index in Enumerable.Range(1, shards)) Stage(probe => probe.Errors(new ShardRange(index, shards)));
        Stage(probe => probe.Choose(shards));
        foreach (int index in Enumerable.Range(1, shards)) Stage(probe => probe.Score(new ShardRange(index, shards)));
        return ShardedLinearProbe.Run(policy, Shards, CPU, last);
    }

    /// <summary>Each entry within 1e-9 of its own magnitude (an absolute floor far below any of these values' rounding).</summary>
    private static void EachEntryClose(Tensor actual, Tensor expected, string what)
    {
        Assert.That(actual.shape, Is.EqualTo(expected.shape), what);
        var error = ((actual - expected).abs() / expected.abs().clamp_min(1e-300)).max().item<double>();
        Assert.That(error, Is.LessThanOrEqualTo(1e-9), $"{what}: largest relative difference {error:G3}");
        TestContext.Out.WriteLine($"{what}: largest relative difference {error:G3}");
    }

    [TestCase("auto", 4)]
    [TestCase("auto", 3)]
    [TestCase("0.5", 1)]
    [TestCase("0.5", 4)]
    public void ShardsPutTogetherEqualTheOneProcessRun(string weightDecay, int shards)
    {
        var policy = EmbeddingsPolicy(weightDecay);
        var dataset = DatasetReader.Read(policy);
        var single = LinearProbeRun.Estimate(dataset, GatePipeline.TrainingRunOf(policy), chooseWeightDecay: weightDecay == "auto", float64, CPU);

        using var scope = NewDisposeScope();
        var sharded = RunStages(policy, shards, probe => probe.Result(shards).MoveToOuter());
        EachEntryClose(sharded.WeightChange, single.WeightChange, "||w - w_-i||^2");
        EachEntryClose(sharded.TrainPredictionChange, single.TrainPredictionChange, "train prediction change");
        EachEntryClose(sharded.LeaveOneOutPrediction, single.LeaveOneOutPrediction, "f_-i(x_i)");
        var (path, singlePath) = (sharded.Solver.Regularization!, single.Solver.Regularization!);
        // The grid is in units of trace(Phi^T Phi) / n, a sum whose last bits depend on the order of the additions.
        Assert.That(path.WeightDecays.ToList().IndexOf(path.Chosen), Is.EqualTo(singlePath.WeightDecays.ToList().IndexOf(singlePath.Chosen)));
        Assert.That(path.WeightDecays, Is.EqualTo(singlePath.WeightDecays).Within(1e-12).Percent);
        Assert.That(path.LeaveOneOutErrors, Is.EqualTo(singlePath.LeaveOneOutErrors).Within(1e-9).Percent);
        Assert.That(sharded.Solver with { Regularization = null, ConditionNumber = null }, Is.EqualTo(single.Solver with { Regularization = null, ConditionNumber = null }));
        Assert.That(sharded.Solver.ConditionNumber, Is.EqualTo(single.Solver.ConditionNumber).Within(1e-9).Percent);
    }

    [Test]
    public void TheJudgementIsCheckOne()
    {
        var policy = EmbeddingsPolicy("auto");
        var single = GatePipeline.Run(policy, new GateRunOptions(CPU)).Report;

        var sharded = RunStages(policy, 4, probe => probe.Judge(4));
        Assert.That(single.Evaluation.Findings.Count, Is.GreaterThan(5), "the planted flips are found");
        Assert.That(sharded.Evaluation.Findings.Select(f => (f.Kind, f.Signals.Index)), Is.EqualTo(single.Evaluation.Findings.Select(f => (f.Kind, f.Signals.Index))));
        Assert.That(sharded.Passed, Is.EqualTo(single.Passed));
        Assert.That(sharded.Signals.Select(s => (s.Score, s.InputResidual, s.DuplicateGroup)),
            Is.EqualTo(single.Signals.Select(s => (s.Score, s.InputResidual, s.DuplicateGroup))), "rounded signals and input measurements");
    }

    [Test]
    public void HighLeverageSamplesEqualRetrainingInOneProcessAndAcrossShards()
    {
        // Two samples with a feature column each that no other sample has (value 10, so 1 - h_i = lambda / 100 = 1e-14): the
        // shortcut keeps no digit there, both are solved again, from sums the shards add without their rows.
        var generator = new Generator(21);
        var x = cat(new[] { randn(new long[] { 40, 5 }, float64, generator: generator), zeros(40, 2, dtype: float64) }, 1);
        x[3, 5] = tensor(10.0, float64);
        x[31, 6] = tensor(10.0, float64);
        SmoothInfo.Data.Npy.NpyFile.Write(PathOf("x.npy"), x);
        WriteText("y.txt", string.Join("\n", Enumerable.Range(0, 40).Select(i => (i * 7 % 3).ToString(System.Globalization.CultureInfo.InvariantCulture))));
        WriteText("smoothinfo.yml", "version: 1\ndataset:\n  format: npy\n  path: x.npy\n  labels: y.txt\nmodel:\n  probe: { kind: linear }\ntraining:\n  weightDecay: 1e-12\n");
        var policy = PolicyLoader.Load(PathOf("smoothinfo.yml"));

        using var scope = NewDisposeScope();
        var dataset = DatasetReader.Read(policy);
        var retrained = LinearProbeRunTests.Retrained(dataset, 1e-12);
        // The one-process run too: its design rows share one buffer, which once gave both refits the last sample's row.
        var single = LinearProbeRun.Estimate(dataset, GatePipeline.TrainingRunOf(policy), chooseWeightDecay: false, float64, CPU);
        var sharded = RunStages(policy, 3, probe => probe.Result(3).MoveToOuter());
        foreach (var (run, name) in new[] { (single, "one process"), (sharded, "3 shards") })
        {
            Assert.That(run.Solver.Reason, Does.Contain("2 sample(s) with 1 - h_i below").And.Contain("#3, #31"), name);
            foreach (int outlier in new[] { 3, 31 })
            {
                Expect.Close(run.WeightChange[outlier], retrained.WeightChange[outlier], $"{name}: #{outlier} ||dw||^2");
                Expect.Close(run.TrainPredictionChange[outlier], retrained.TrainChange[outlier], $"{name}: #{outlier} train change");
                Expect.Close(run.LeaveOneOutPrediction[outlier], retrained.LooPrediction[outlier], $"{name}: #{outlier} f_-i(x_i)");
            }
            Expect.Close(run.LeaveOneOutPrediction, retrained.LooPrediction, $"{name}: f_-i(x_i)");
        }
    }

    [Test]
    public void AMissingShardFileNamesTheCommandThatWritesIt()
    {
        var policy = EmbeddingsPolicy("auto", count: 200);
        ShardedLinearProbe.Run(policy, Shards, CPU, probe => probe.Stats(new ShardRange(1, 2)));

        var error = Assert.Throws<InputException>(() => ShardedLinearProbe.Run(policy, Shards, CPU, probe => probe.Merge(2)))!;
        Assert.That(error.Code, Is.EqualTo(ErrorCodes.ShardFileMissing));
        Assert.That(error.ToDiagnosticLine(), Does.Contain("stats-2-of-2.json").And.Contain("smoothinfo shard stats --shard 2/2"));
    }

    [Test]
    public void FilesOfAnotherDatasetAreRefused()
    {
        var policy = EmbeddingsPolicy("auto", count: 200);
        foreach (int index in new[] { 1, 2 }) ShardedLinearProbe.Run(policy, Shards, CPU, probe => probe.Stats(new ShardRange(index, 2)));
        // One sample's features changed after the stats were written: the data's identity no longer matches theirs.
        using var features = SmoothInfo.Data.Npy.NpyFile.Read(PathOf("x.npy"));
        features[17, 0] = features[17, 0] + 1;
        SmoothInfo.Data.Npy.NpyFile.Write(PathOf("x.npy"), features);

        var error = Assert.Throws<InputException>(() => ShardedLinearProbe.Run(policy, Shards, CPU, probe => probe.Merge(2)))!;
        Assert.That(error.Code, Is.EqualTo(ErrorCodes.ShardFileMismatch));
        Assert.That(error.Message, Does.Contain("another policy, dataset or build"));
    }

    [TestCase("shard")]
    [TestCase("stage")]
    [TestCase("version")]
    [TestCase("damaged")]
    public void AFileThatIsNotTheExpectedOneIsRefused(string how)
    {
        var policy = EmbeddingsPolicy("auto", count: 200);
        foreach (int index in new[] { 1, 2 }) ShardedLinearProbe.Run(policy, Shards, CPU, probe => probe.Stats(new ShardRange(index, 2)));
        string second = Path.Combine(Shards, "stats-2-of-2.json");
        string text = File.ReadAllText(second);
        File.WriteAllText(second, how switch
        {
            "shard" => text.Replace("\"shard\": 2,", "\"shard\": 1,", StringComparison.Ordinal),   // shard 1's file under shard 2's name
            "stage" => text.Replace("\"stage\": \"stats\"", "\"stage\": \"score\"", StringComparison.Ordinal),
            "version" => text.Replace("\"version\": 1,", "\"version\": 99,", StringComparison.Ordinal),
            _ => text[..(text.Length / 2)],
        });
        Assume.That(File.ReadAllText(second), Is.Not.EqualTo(text), "the edit applied");

        var error = Assert.Throws<InputException>(() => ShardedLinearProbe.Run(policy, Shards, CPU, probe => probe.Merge(2)))!;
        Assert.That(error.Code, Is.EqualTo(ErrorCodes.ShardFileMismatch));
        Assert.That(error.ToDiagnosticLine(), Does.Contain("stats-2-of-2.json").And.Contain("Fix:"));
    }

    [Test]
    public void ANetworkProbeIsRefusedAtItsKey()
    {
        var policy = EmbeddingsPolicy("auto", count: 200, probe: "mlp, widths: [8]");
        var error = Assert.Throws<InputException>(() => ShardedLinearProbe.Open(policy, Shards))!;
        Assert.That(error.Code, Is.EqualTo(ErrorCodes.PolicyInconsistent));
        Assert.That(error.Location?.ToString(), Does.StartWith(PathOf("smoothinfo.yml") + "("));
        Assert.That(error.Message, Does.Contain("linear probe"));
    }
}
