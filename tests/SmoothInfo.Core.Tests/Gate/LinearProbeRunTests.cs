using SmoothInfo.Data;
using SmoothInfo.Data.Npy;
using SmoothInfo.Estimation;
using SmoothInfo.Evidence;
using SmoothInfo.Gate;
using SmoothInfo.Policy.Loading;
using SmoothInfo.Tests.Data;
using SmoothInfo.Tests.Estimation;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Gate;

/// <summary>
/// The linear probe (a linear head with bias on the given features, streamed through the feature-space route) against its
/// slow twin: the ridge regression retrained without each sample, in float64, on random inputs; against the in-memory
/// Cholesky route of the network's linear head; and through the whole gate on embeddings with planted label flips.
/// </summary>
public sealed class LinearProbeRunTests : DataFolder
{
    private static readonly TrainingRun Converged = new(0.01, double.PositiveInfinity, 0.7, SmoothInfo.Policy.Model.TrainingDynamics.Continuous);

    [TestCase("<f4", 40, 5, 3, 7)]
    [TestCase("<f8", 33, 8, 2, 32)]
    public void EqualsRetrainingWithoutEachSample(string descr, int n, int p, int k, int chunkRows)
    {
        var dataset = WriteRandom(descr, n, p, k, seed: n);
        var result = LinearProbeRun.Estimate(dataset, Converged, chooseWeightDecay: false, float64, CPU, chunkRows: chunkRows);

        var retrained = Retrained(dataset, Converged.WeightDecay);
        Expect.Close(result.WeightChange, retrained.WeightChange, "||w - w_-i||^2");
        Expect.Close(result.TrainPredictionChange, retrained.TrainChange, "train prediction change");
        Expect.Close(result.LeaveOneOutPrediction, retrained.LooPrediction, "f_-i(x_i)");
    }

    [Test]
    public void AutomaticWeightDecayIsTheGridPointWhereRetrainingErrsLeast()
    {
        var dataset = WriteRandom("<f4", 30, 4, 3, seed: 5);
        var result = LinearProbeRun.Estimate(dataset, Converged, chooseWeightDecay: true, float64, CPU, chunkRows: 8);
        var path = result.Solver.Regularization!;

        var errors = path.WeightDecays.Select(lambda =>
        {
            var retrained = Retrained(dataset, lambda);
            return (Targets(dataset) - retrained.LooPrediction).square().sum(1).mean().item<double>();
        }).ToArray();
        Assert.That(path.LeaveOneOutErrors, Is.EqualTo(errors).Within(1e-9).Percent);
        Assert.That(path.Chosen, Is.EqualTo(path.WeightDecays[Array.IndexOf(errors, errors.Min())]));
        Assert.That(path.Chosen, Is.GreaterThan(path.WeightDecays[0]).And.LessThan(path.WeightDecays[^1]), "the grid brackets the choice");
        Expect.Close(result.LeaveOneOutPrediction, Retrained(dataset, path.Chosen).LooPrediction, "f_-i(x_i) at the choice");
    }

    [Test]
    public void StreamedFromTheMappedFileEqualsTheInMemoryCholeskyRoute()
    {
        var dataset = WriteRandom("<f4", 5000, 24, 4, seed: 9);
        var streamed = LinearProbeRun.Estimate(dataset, Converged, chooseWeightDecay: false, float64, CPU, chunkRows: 1000);

        var targets = Targets(dataset);
        var problem = new LinearHeadProblem(DatasetTensors.Features(dataset, float64), targets, Prior(targets));
        Expect.SameLeaveOneOut(streamed, LinearHeadLeaveOneOut.Compute(problem, Converged));
    }

    [Test]
    public void PlantedLabelFlipsRankFirstThroughTheGate()
    {
        var flipped = SyntheticEmbeddings.Write(PathOf("x.npy"), PathOf("y.npy"), count: 3000, dimension: 32, classes: 4, flipRate: 0.01, seed: 3);
        File.WriteAllText(PathOf("smoothinfo.yml"), "version: 1\ndataset:\n  format: npy\n  path: x.npy\n  labels: y.npy\n" +
            "model:\n  probe: { kind: linear }\ntraining:\n  weightDecay: auto\n");
        var run = GatePipeline.Run(PolicyLoader.Load(PathOf("smoothinfo.yml")), new GateRunOptions(CPU));

        var scores = run.Report.Signals.Select(s => s.Score).ToArray();
        Assert.That(flipped.Count(f => f), Is.GreaterThan(10));
        Assert.That(Auroc.Of(scores, flipped), Is.GreaterThanOrEqualTo(0.99), "issue 14's bar for planted flips");
        Assert.That(run.Report.Solver.Method, Is.EqualTo("closed-form feature-space"));
        Assert.That(run.Report.Solver.Reason, Does.StartWith("linear probe: a linear head with bias on the 32 features as given"));
    }

    /// <summary>
    /// Random features (not centred, so the bias matters) as an .npy array of the given dtype, and labels that a random linear
    /// map of them predicts through noise (so the weight decay has something to trade off).
    /// </summary>
    private Dataset WriteRandom(string descr, int n, int p, int k, int seed)
    {
        var generator = new Generator().manual_seed(seed);
        using var x = (randn(new long[] { n, p }, float64, generator: generator) * 2 + 1).to(descr == "<f4" ? float32 : float64);
        NpyFile.Write(PathOf("x.npy"), x);
        using var scores = x.to(float64).matmul(randn(new long[] { p, k }, float64, generator: generator)) + 3 * randn(new long[] { n, k }, float64, generator: generator);
        File.WriteAllLines(PathOf("y.txt"), scores.argmax(1).data<long>().ToArray().Select(c => c.ToString()));
        return Read("format: npy\npath: x.npy\nlabels: y.txt", maxSamples: n);
    }

    private static Tensor Targets(Dataset dataset) => nn.functional.one_hot(DatasetTensors.Labels(dataset), dataset.ClassNames.Count).to(float64);

    private static Tensor Prior(Tensor targets) => targets.mean(new long[] { 0 }, keepdim: true).expand(targets.shape[0], targets.shape[1]);

    /// <summary>
    /// The slow twin: for each sample, the ridge regression on the other samples, solved from scratch; W = 0 and b at the
    /// prior to start, so the fit is (lambda I + X^T X)^-1 X^T (Y - prior) on design rows [x, 1].
    /// </summary>
    internal static (Tensor WeightChange, Tensor TrainChange, Tensor LooPrediction) Retrained(Dataset dataset, double lambda)
    {
        long n = dataset.Count;
        var features = DatasetTensors.Features(dataset, float64).reshape(n, -1);
        var design = cat(new[] { features, ones(new[] { n, 1L }, float64) }, 1);
        var targets = Targets(dataset);
        var residual = targets - Prior(targets);
        Tensor Fit(Tensor x, Tensor r) => linalg.solve(lambda * eye(x.shape[1], dtype: float64) + x.t().matmul(x), x.t().matmul(r));
        var full = Fit(design, residual);
        var weightChange = zeros(n, float64);
        var trainChange = zeros(n, float64);
        var loo = zeros(new[] { n, targets.shape[1] }, float64);
        for (long i = 0; i < n; i++)
        {
            var others = cat(new[] { arange(0, i, int64), arange(i + 1, n, int64) });
            var without = Fit(design.index_select(0, others), residual.index_select(0, others));
            var change = full - without;
            weightChange[i] = change.square().sum();
            trainChange[i] = design.index_select(0, others).matmul(change).square().sum() / (n - 1);
            loo[i] = Prior(targets)[i] + design[i].matmul(without);
        }
        return (weightChange, trainChange, loo);
    }
}
