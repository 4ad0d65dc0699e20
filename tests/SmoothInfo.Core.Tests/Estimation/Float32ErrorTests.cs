using SmoothInfo.Estimation;
using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Estimation;

/// <summary>
/// Every route in float32 against itself in float64 on random inputs (three seeds each). The error of a quantity is
/// max |float32 - float64| over samples, relative to the largest float64 value; it is bounded by a multiple of
/// eps32 * kappa (kappa: the condition number the float64 run reports), the multiple set about ten times above the largest
/// measured (docs/estimator.md, "Float32", lists the measurements; run with --logger "console;verbosity=detailed" to print them).
/// </summary>
public sealed class Float32ErrorTests
{
    private const double Epsilon32 = 1.1920929e-7;
    private static readonly int[] Seeds = { 1, 2, 3 };

    private sealed record Errors(double Condition, double WeightSI, double FunctionalSI, double Prediction)
    {
        public double Worst => Math.Max(WeightSI, Math.Max(FunctionalSI, Prediction));
    }

    private static double RelativeError(Tensor single, Tensor exact) =>
        ((single.to(float64) - exact).abs().max() / exact.abs().max()).item<double>();

    /// <summary>Weight SI and F-SI are the weight change and the held-out prediction change over 2 sigma^2: the same relative error.</summary>
    private static Errors Compare(LeaveOneOutResult single, LeaveOneOutResult exact)
    {
        Assert.That(single.WeightChange.dtype, Is.EqualTo(ScalarType.Float32), "the route ran in float32");
        return new Errors(exact.Solver.ConditionNumber!.Value, RelativeError(single.WeightChange, exact.WeightChange),
            RelativeError(single.TestPredictionChange!, exact.TestPredictionChange!), RelativeError(single.LeaveOneOutPrediction, exact.LeaveOneOutPrediction));
    }

    /// <summary>Runs the route on every seed, prints the errors, and bounds each by <paramref name="multiple"/> eps32 kappa.</summary>
    private static void AssertBounded(string route, Func<int, (LeaveOneOutResult Single, LeaveOneOutResult Exact)> run, double multiple)
    {
        foreach (int seed in Seeds)
        {
            var (single, exact) = run(seed);
            var errors = Compare(single, exact);
            double unit = Epsilon32 * errors.Condition;
            TestContext.Out.WriteLine($"{route} seed {seed}: kappa {errors.Condition:G3}, eps32 kappa {unit:G2}; relative error: weight SI " +
                $"{errors.WeightSI:G2}, F-SI {errors.FunctionalSI:G2}, leave-one-out prediction {errors.Prediction:G2} ({errors.Worst / unit:G2} eps32 kappa)");
            Assert.That(errors.Worst, Is.LessThanOrEqualTo(multiple * unit), $"{route} seed {seed}");
        }
    }

    private static Generator Seeded(int seed) => new Generator((ulong)seed);

    [TestCase(0.05)]
    [TestCase(1e-4)]
    public void FunctionSpaceClosedForm(double weightDecay) => AssertBounded($"function space, n 60, k 3, lambda {weightDecay}", seed =>
    {
        var problem = RandomLinearizedModel.Create(n: 60, k: 3, d: 200, m: 20, seed: seed).Problem(true);
        var run = new TrainingRun(0.1, double.PositiveInfinity, weightDecay);
        return (LeaveOneOutEstimator.Estimate(problem, run, new EstimatorOptions(Precision: ScalarType.Float32)), LeaveOneOutEstimator.Estimate(problem, run));
    }, multiple: 0.2);

    // K = X X^T / 20 has rank 20 of 300: its null eigenvalues, computed as +-eps lambda_max, must not reach ||dw||^2.
    [Test]
    public void ClassShared() => AssertBounded("class-shared, n 300 (rank 20), k 4", seed =>
    {
        var generator = Seeded(seed);
        var x = randn(new long[] { 300, 20 }, float64, generator: generator);
        var xTest = randn(new long[] { 30, 20 }, float64, generator: generator);
        var targets = nn.functional.one_hot(randint(0, 4, new long[] { 300 }, generator: generator), 4).to(float64);
        var initial = full(300, 4, 0.25, dtype: float64);
        var problem = new ClassSharedProblem(x.matmul(x.t()) / 20, targets, initial, xTest.matmul(x.t()) / 20);
        var singleProblem = new ClassSharedProblem(problem.Kernel.to(float32), targets.to(float32), initial.to(float32), problem.TestKernel!.to(float32));
        return (ClassSharedLeaveOneOut.Compute(singleProblem, new[] { 0.1 }).Result, ClassSharedLeaveOneOut.Compute(problem, new[] { 0.1 }).Result);
    }, multiple: 50);

    private static (Tensor Features, Tensor TestFeatures, Tensor Targets, Tensor Initial) HeadData(int seed)
    {
        var generator = Seeded(seed);
        return (randn(new long[] { 400, 30 }, float64, generator: generator), randn(new long[] { 40, 30 }, float64, generator: generator),
            randn(new long[] { 400, 5 }, float64, generator: generator), 0.1 * randn(new long[] { 400, 5 }, float64, generator: generator));
    }

    [Test]
    public void LinearHead() => AssertBounded("linear head, n 400, q 31, k 5", seed =>
    {
        var (features, testFeatures, targets, initial) = HeadData(seed);
        var run = new TrainingRun(1e-4, double.PositiveInfinity, 0.1);
        LeaveOneOutResult Compute(ScalarType dtype) => LinearHeadLeaveOneOut.Compute(new LinearHeadProblem(features.to(dtype), targets.to(dtype),
            initial.to(dtype), HasBias: true, testFeatures.to(dtype), zeros(40, 5, dtype: dtype)), run);
        return (Compute(float32), Compute(float64));
    }, multiple: 20);

    [Test]
    public void FeatureSpace() => AssertBounded("feature space, n 400, m 30, k 5", seed =>
    {
        var (features, testFeatures, targets, initial) = HeadData(seed);
        LeaveOneOutResult Compute(ScalarType dtype)
        {
            var (phi, phiTest) = (features.to(dtype), testFeatures.to(dtype));
            return FeatureSpaceLeaveOneOut.Compute(400, (first, rows) => phi.narrow(0, first, rows), targets.to(dtype), initial.to(dtype), new[] { 0.1 },
                chunkRows: 128, heldOut: new FeatureSpaceLeaveOneOut.HeldOutRows(40, (first, rows) => phiTest.narrow(0, first, rows))).Result;
        }
        return (Compute(float32), Compute(float64));
    }, multiple: 30);

    [Test]
    public void WeightSpace() => AssertBounded("weight space, n 200, k 3, D 80", seed =>
    {
        var model = RandomLinearizedModel.Create(n: 200, k: 3, d: 80, m: 20, seed: seed);
        var run = new TrainingRun(1e-4, double.PositiveInfinity, 0.05);
        LeaveOneOutResult Compute(ScalarType dtype)
        {
            var (j, jTest) = (model.Jacobian.to(dtype), model.TestJacobian.to(dtype));
            return WeightSpaceLeaveOneOut.Compute(new JacobianSource(200, 80, (first, count) => j.narrow(0, first * 3, count * 3)),
                model.Targets.to(dtype), model.InitialPredictions.to(dtype), run,
                new JacobianSource(20, 80, (first, count) => jTest.narrow(0, first * 3, count * 3)));
        }
        return (Compute(float32), Compute(float64));
    }, multiple: 15);

    [TestCase(FiniteTimeMethod.BatchedIteration, TrainingDynamics.Discrete, 100.0, 10)]
    [TestCase(FiniteTimeMethod.Spectral, TrainingDynamics.Discrete, 100.0, 40)]
    [TestCase(FiniteTimeMethod.Spectral, TrainingDynamics.Continuous, 100.0, 40)]
    [TestCase(FiniteTimeMethod.BatchedIteration, TrainingDynamics.Discrete, 5000.0, 10)]
    [TestCase(FiniteTimeMethod.Spectral, TrainingDynamics.Continuous, 5000.0, 40)]
    [TestCase(FiniteTimeMethod.Chebyshev, TrainingDynamics.Discrete, 100.0, 25)]
    [TestCase(FiniteTimeMethod.Chebyshev, TrainingDynamics.Discrete, 5000.0, 25)]
    [TestCase(FiniteTimeMethod.Chebyshev, TrainingDynamics.Continuous, 5000.0, 25)]
    public void FiniteTime(FiniteTimeMethod method, TrainingDynamics dynamics, double steps, double multiple) => AssertBounded($"finite t = {steps} {method} {dynamics}, n 20, k 3", seed =>
    {
        // d = 50 < n k = 60: the kernel is singular, so the map's condition grows with t (about eta t lambda_max).
        var model = RandomLinearizedModel.Create(n: 20, k: 3, d: 50, m: 10, seed: seed);
        var run = new TrainingRun(model.StableLearningRate(0), steps, 0, dynamics);
        var problem = model.Problem(true);
        return (LeaveOneOutEstimator.Estimate(problem, run, new EstimatorOptions(Precision: ScalarType.Float32, FiniteTimeMethod: method)),
            LeaveOneOutEstimator.Estimate(problem, run, new EstimatorOptions(FiniteTimeMethod: method)));
    }, multiple);
}
