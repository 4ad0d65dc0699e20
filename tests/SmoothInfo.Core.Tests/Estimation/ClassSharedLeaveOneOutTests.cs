using SmoothInfo.Estimation;
using SmoothInfo.Kernels;
using SmoothInfo.Reference;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Estimation;

/// <summary>
/// The class-shared leave-one-out and its weight-decay path against literal retraining of the linear model with the
/// Jacobian Phi (x) I_k (kernel K (x) I_k), in float64 on random inputs.
/// </summary>
public sealed class ClassSharedLeaveOneOutTests
{
    private static (Tensor Features, Tensor Targets, Tensor Initial) Random(long n, long q, long k, int seed)
    {
        var generator = new Generator((ulong)seed);
        var features = randn(new[] { n, q }, float64, generator: generator);
        var labels = randint(0, k, new[] { n }, generator: generator);
        var targets = nn.functional.one_hot(labels, k).to(float64);
        var initial = 0.1 * randn(new[] { n, k }, float64, generator: generator);
        return (features, targets, initial);
    }

    private static LeaveOneOutResult Retrained(Tensor features, Tensor targets, Tensor initial, double weightDecay)
    {
        long k = targets.shape[1];
        var jacobian = kron(features, eye(k, dtype: float64));
        return WeightSpaceRetraining.Run(jacobian, targets, initial, null, new TrainingRun(1.0, double.PositiveInfinity, weightDecay));
    }

    [TestCase(12, 5, 3, 0.3)]
    [TestCase(9, 20, 2, 0.05)]
    [TestCase(15, 4, 1, 2.0)]
    public void EqualsRetrainingWithoutEachSample(long n, long q, long k, double weightDecay)
    {
        var (features, targets, initial) = Random(n, q, k, seed: (int)(n * 31 + q));
        var kernel = features.matmul(features.t());
        var (actual, path) = ClassSharedLeaveOneOut.Compute(new ClassSharedProblem(kernel, targets, initial), new[] { weightDecay });
        Expect.SameLeaveOneOut(actual, Retrained(features, targets, initial, weightDecay));
        Assert.That(path.Chosen, Is.EqualTo(weightDecay));
    }

    [Test]
    public void EqualsTheFullClosedFormOnTheKroneckerKernel()
    {
        var (features, targets, initial) = Random(10, 6, 3, seed: 4);
        var kernel = features.matmul(features.t());
        var (actual, _) = ClassSharedLeaveOneOut.Compute(new ClassSharedProblem(kernel, targets, initial), new[] { 0.2 });
        var full = LeaveOneOutEstimator.Estimate(new KernelProblem(kron(kernel, eye(3, dtype: float64)), targets, initial),
            new TrainingRun(0.01, double.PositiveInfinity, 0.2));
        Expect.SameLeaveOneOut(actual, full);
    }

    [Test]
    public void PathErrorsEqualRetrainingAtEveryGridPointAndTheLeastIsChosen()
    {
        var (features, targets, initial) = Random(14, 8, 3, seed: 9);
        var kernel = features.matmul(features.t());
        var grid = new[] { 1e-3, 1e-2, 0.1, 1, 10, 100 };
        var (_, path) = ClassSharedLeaveOneOut.Compute(new ClassSharedProblem(kernel, targets, initial), grid);
        for (int g = 0; g < grid.Length; g++)
        {
            var retrained = Retrained(features, targets, initial, grid[g]);
            double expected = (targets - retrained.LeaveOneOutPrediction).square().sum(1).mean().item<double>();
            Assert.That(path.LeaveOneOutErrors[g], Is.EqualTo(expected).Within(1e-9 * expected), $"lambda {grid[g]}");
        }
        int best = Enumerable.Range(0, grid.Length).MinBy(g => path.LeaveOneOutErrors[g]);
        Assert.That(path.Chosen, Is.EqualTo(grid[best]));
    }

    /// <summary>Isolation by its definition, one solve per sample: K_ii - k_i^T (K_{-i} + lambda I)^-1 k_i over K_ii.</summary>
    private static double[] IsolationByDefinition(Tensor kernel, double weightDecay)
    {
        long n = kernel.shape[0];
        return Enumerable.Range(0, (int)n).Select(i =>
        {
            var others = tensor(Enumerable.Range(0, (int)n).Where(j => j != i).Select(j => (long)j).ToArray());
            var rest = kernel.index_select(0, others).index_select(1, others) + weightDecay * eye(n - 1, dtype: float64);
            var k = kernel.index_select(0, others).select(1, i);
            double own = kernel[i, i].item<double>();
            return (own - k.dot(linalg.solve(rest, k)).item<double>()) / own;
        }).ToArray();
    }

    [TestCase(12, 5, 3, 0.3)]
    [TestCase(9, 20, 2, 0.05)]
    [TestCase(15, 4, 1, 2.0)]
    public void IsolationIsThePosteriorVarianceGivenTheOtherSamplesOverThePrior(long n, long q, long k, double weightDecay)
    {
        var (features, targets, initial) = Random(n, q, k, seed: (int)(n * 7 + q));
        foreach (var kernel in new[] { features.matmul(features.t()), GaussianKernel.Compute(features).Kernel })
        {
            var (actual, _) = ClassSharedLeaveOneOut.Compute(new ClassSharedProblem(kernel, targets, initial), new[] { weightDecay });
            var expected = IsolationByDefinition(kernel, weightDecay);
            Assert.That(actual.Isolation!.data<double>().ToArray(), Is.EqualTo(expected).Within(1e-9));
            Assert.That(expected, Is.All.InRange(0.0, 1.0));
        }
    }

    [Test]
    public void AnInputFarFromEveryOtherIsIsolatedWhateverTheWeightDecay()
    {
        var (features, targets, initial) = Random(10, 3, 2, seed: 5);
        features[7] = features[7] + 100;
        var (kernel, _) = GaussianKernel.Compute(features, bandwidth: 3);
        foreach (double weightDecay in new[] { 1e-3, 0.3, 10 })
        {
            var isolation = ClassSharedLeaveOneOut.Compute(new ClassSharedProblem(kernel, targets, initial), new[] { weightDecay }).Result.Isolation!;
            Assert.That(isolation[7].item<double>(), Is.EqualTo(1).Within(1e-12), $"lambda {weightDecay}");
            Assert.That(isolation.max().item<double>(), Is.EqualTo(1).Within(1e-12));
        }
    }

    [Test]
    public void TiesGoToTheLargerWeightDecay()
    {
        var path = RegularizationPath.Of(new[] { 0.1, 1.0, 10.0 }, new[] { 2.0, 1.0, 1.0 });
        Assert.That(path.Chosen, Is.EqualTo(10.0));
    }

    [Test]
    public void NonPositiveWeightDecayIsRefused()
    {
        var (features, targets, initial) = Random(5, 3, 2, seed: 1);
        var problem = new ClassSharedProblem(features.matmul(features.t()), targets, initial);
        Assert.Throws<SmoothInfo.Diagnostics.InputException>(() => ClassSharedLeaveOneOut.Compute(problem, new[] { 0.0 }));
    }
}
