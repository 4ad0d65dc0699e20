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
