using SmoothInfo.Estimation;
using SmoothInfo.Evidence;
using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Evidence;

/// <summary>
/// The evidence tool's all-times leave-one-out of a class-shared kernel (tests/SmoothInfo.Evidence/LeaveOneOutOverTime.cs)
/// against the product's finite-t estimator run once per time on the full kernel K (x) I_k, on random problems.
/// </summary>
public sealed class LeaveOneOutOverTimeTests
{
    [TestCase(TrainingDynamics.Continuous, LossReduction.Sum, 0.0)]
    [TestCase(TrainingDynamics.Continuous, LossReduction.Mean, 0.3)]
    [TestCase(TrainingDynamics.Discrete, LossReduction.Sum, 0.3)]
    [TestCase(TrainingDynamics.Discrete, LossReduction.Mean, 0.0)]
    public void EveryTimeEqualsTheProductsFiniteTimePathOnTheKroneckerKernel(TrainingDynamics dynamics, LossReduction loss, double weightDecay)
    {
        const int n = 7, k = 3, m = 4, features = 5;
        var generator = new Generator().manual_seed(11);
        var phi = randn(n, features, dtype: float64, generator: generator);
        var phiTest = randn(m, features, dtype: float64, generator: generator);
        var kernel = phi.matmul(phi.T);                                                   // rank 5 < n: a null space, as a head's kernel has
        var testKernel = phiTest.matmul(phi.T);
        var targets = nn.functional.one_hot(randint(0, k, n, generator: generator), k).to(float64);
        var initial = 0.1 * randn(n, k, dtype: float64, generator: generator);
        double largest = linalg.eigvalsh(kernel).max().item<double>() + weightDecay;
        // Half the stability limit for the leave-one-out step too (mean loss enlarges it by n / (n - 1)).
        var run = new TrainingRun(0.5 / largest, 1, weightDecay, dynamics, loss);
        var times = new[] { 1.0, 4, 30, 200 };

        var all = LeaveOneOutOverTime.Compute(new ClassSharedProblem(kernel, targets, initial, testKernel), run, times);

        var identity = eye(k, dtype: float64);
        var problem = new KernelProblem(kron(kernel, identity), targets, initial, kron(testKernel, identity), zeros(m, k, dtype: float64));
        for (int t = 0; t < times.Length; t++)
        {
            var expected = LeaveOneOutEstimator.Estimate(problem, run with { Steps = times[t] });
            Assert.Multiple(() =>
            {
                AssertClose(all[t].WeightChange, expected.WeightChange, $"weight change at t = {times[t]}");
                AssertClose(all[t].TrainPredictionChange, expected.TrainPredictionChange, $"train prediction change at t = {times[t]}");
                AssertClose(all[t].TestPredictionChange!, expected.TestPredictionChange!, $"test prediction change at t = {times[t]}");
                AssertClose(all[t].LeaveOneOutPrediction, expected.LeaveOneOutPrediction, $"leave-one-out prediction at t = {times[t]}");
            });
        }
    }

    private static void AssertClose(Tensor actual, Tensor expected, string what)
    {
        double scale = expected.abs().max().item<double>();
        Assert.That(scale, Is.GreaterThan(0), what);
        Assert.That((actual - expected).abs().max().item<double>(), Is.LessThan(1e-10 * scale), what);
    }
}
