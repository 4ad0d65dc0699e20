using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Estimation;

/// <summary>
/// The finite-t paths report the condition number of the map r -&gt; c = Theta_l^{-1} (I - E_t) r they apply, checked against
/// that matrix built literally (powers of I - eta Theta_l, or a matrix exponential) and its singular values; and refuse
/// the run when rounding in the requested precision would leave fewer than two digits. The spectral method has the
/// eigenvalues and reports the condition exactly; the others bound it over a certified interval of the spectrum
/// (<see cref="SpectrumBounds"/>), never below the exact value.
/// </summary>
public sealed class FiniteTimeConditionTests
{
    /// <summary>F = eta sum_{j &lt; t} (I - eta Theta_l)^j, or eta * integral_0^t expm(-eta tau Theta_l) d tau (the top-right block of
    /// expm(t [[-eta Theta_l, eta I], [0, 0]])): c = F r, with no eigendecomposition and no inverse.</summary>
    private static double LiteralCondition(Tensor kernel, TrainingRun run)
    {
        long size = kernel.shape[0];
        var identity = eye(size, dtype: float64);
        var regularized = kernel + run.WeightDecay * identity;
        Tensor map;
        if (run.Dynamics == TrainingDynamics.Discrete)
        {
            map = zeros(size, size, dtype: float64);
            var power = identity;
            for (int j = 0; j < (int)run.Steps; j++)
            {
                map += power;
                power = power.matmul(identity - run.LearningRate * regularized);
            }
            map *= run.LearningRate;
        }
        else
        {
            var generator = zeros(2 * size, 2 * size, dtype: float64);
            generator[TensorIndex.Slice(0, size), TensorIndex.Slice(0, size)] = -run.LearningRate * regularized;
            generator[TensorIndex.Slice(0, size), TensorIndex.Slice(size, 2 * size)] = run.LearningRate * identity;
            map = linalg.matrix_exp(generator * run.Steps)[TensorIndex.Slice(0, size), TensorIndex.Slice(size, 2 * size)];
        }
        return linalg.cond(map).item<double>();
    }

    public static IEnumerable<TestCaseData> Runs()
    {
        foreach (var method in new[] { FiniteTimeMethod.BatchedIteration, FiniteTimeMethod.Spectral, FiniteTimeMethod.Chebyshev })
        foreach (double weightDecay in new[] { 0.0, 0.05 })
            yield return new TestCaseData(method, TrainingDynamics.Discrete, 40.0, weightDecay);
        foreach (var method in new[] { FiniteTimeMethod.Spectral, FiniteTimeMethod.Chebyshev })
        foreach (double weightDecay in new[] { 0.0, 0.05 })
            yield return new TestCaseData(method, TrainingDynamics.Continuous, 3.5, weightDecay);
    }

    [TestCaseSource(nameof(Runs))]
    public void TheReportedConditionIsThatOfTheMapApplied(FiniteTimeMethod method, TrainingDynamics dynamics, double steps, double weightDecay)
    {
        var model = RandomLinearizedModel.Create(n: 7, k: 2, d: 40, m: 3, seed: 6);
        var problem = model.Problem(true);
        var run = new TrainingRun(model.StableLearningRate(weightDecay), steps, weightDecay, dynamics);
        var result = LeaveOneOutEstimator.Estimate(problem, run, new EstimatorOptions(FiniteTimeMethod: method));
        AssertConditionOf(result.Solver, LiteralCondition(problem.TrainKernel, run));
    }

    /// <summary>Exact from the eigenvalues; else an upper bound, whose slack comes from resolving lambda_min to about 5%.</summary>
    private static void AssertConditionOf(SolverReport solver, double literal)
    {
        if (solver.Method == "spectral")
            Assert.That(solver.ConditionNumber, Is.EqualTo(literal).Within(1e-8).Percent);
        else
            Assert.That(solver.ConditionNumber, Is.InRange(literal * (1 - 1e-10), literal * 1.25));
    }

    [Test]
    public void ASingularKernelTrainedLongIsRefusedInFloat32AndMeasuredInFloat64()
    {
        // d = 10 < n k = 16: Theta is singular, phi(0) = eta t, so the condition is about eta t lambda_max = t = 2e5; float32 keeps
        // -log10(2e5 * 1.2e-7) = 1.6 digits.
        var model = RandomLinearizedModel.Create(n: 8, k: 2, d: 10, m: 3, seed: 4);
        var problem = model.Problem(true);
        var run = new TrainingRun(model.StableLearningRate(0), 2e5, 0, TrainingDynamics.Continuous);

        var exact = LeaveOneOutEstimator.Estimate(problem, run);
        double expected = LiteralCondition(problem.TrainKernel, run);
        Assert.That(expected, Is.EqualTo(2e5).Within(1).Percent);
        AssertConditionOf(exact.Solver, expected);

        var error = Assert.Throws<InputException>(() => LeaveOneOutEstimator.Estimate(problem, run, new EstimatorOptions(Precision: ScalarType.Float32)))!;
        Assert.That(error.Code, Is.EqualTo(ErrorCodes.IllConditioned));
        Assert.That(error.Message, Does.Contain("after t = 200000 steps").And.Contain("float32"));
        Assert.That(error.Fix, Does.Contain("--precision float64").And.Contain("fewer steps (--steps N)"));
    }
}
