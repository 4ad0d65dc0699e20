using SmoothInfo.Cli.Output;
using SmoothInfo.Estimation;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reference;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Estimation;

/// <summary>
/// The Chebyshev finite-t method against its slow twins on random kernels in float64: the batched iteration (the literal
/// gradient-descent recursion on every leave-one-out problem), one eigendecomposition per leave-one-out kernel, and
/// retraining in weight space; and its interpolant against the filter it replaces.
/// </summary>
public sealed class ChebyshevLeaveOneOutTests
{
    public static IEnumerable<TestCaseData> Runs()
    {
        foreach (double steps in new[] { 7.0, 60, 400 })
        foreach (double weightDecay in new[] { 0.0, 0.05 })
        foreach (bool withTestSet in new[] { true, false })
            yield return new TestCaseData(TrainingDynamics.Discrete, steps, weightDecay, withTestSet, LossReduction.Mean)
                .SetName($"discrete t={steps} lambda={weightDecay} held-out={withTestSet}");
        foreach (double time in new[] { 0.5, 3.5, 200 })
        foreach (double weightDecay in new[] { 0.0, 0.05 })
            yield return new TestCaseData(TrainingDynamics.Continuous, time, weightDecay, true, LossReduction.Mean)
                .SetName($"flow t={time} lambda={weightDecay}");
        yield return new TestCaseData(TrainingDynamics.Discrete, 300.0, 0.01, true, LossReduction.Sum).SetName("discrete t=300 sum loss");
    }

    [TestCaseSource(nameof(Runs))]
    public void EqualsTheExactMethods(TrainingDynamics dynamics, double steps, double weightDecay, bool withTestSet, LossReduction loss)
    {
        var model = RandomLinearizedModel.Create(n: 12, k: 3, d: 50, m: 5, seed: (int)(steps * 7 + weightDecay * 100) % 1000);
        var problem = model.Problem(withTestSet);
        // The largest step that converges on every leave-one-out problem (eta' lambda_max just below 2) is the hardest case
        // for the interpolant: the filter then oscillates over the whole interval.
        var run = new TrainingRun(1.9 * model.StableLearningRate(weightDecay) * (loss == LossReduction.Mean ? 11 / 12.0 : 1),
            steps, weightDecay, dynamics, loss);

        var fast = LeaveOneOutEstimator.Estimate(problem, run, new EstimatorOptions(FiniteTimeMethod: FiniteTimeMethod.Chebyshev));
        Assert.That(fast.Solver.Method, Is.EqualTo("chebyshev"));
        Expect.SameLeaveOneOut(fast, LeaveOneOutEstimator.Estimate(problem, run, new EstimatorOptions(FiniteTimeMethod: FiniteTimeMethod.Spectral)));
        if (dynamics == TrainingDynamics.Discrete)
            Expect.SameLeaveOneOut(fast, LeaveOneOutEstimator.Estimate(problem, run, new EstimatorOptions(FiniteTimeMethod: FiniteTimeMethod.BatchedIteration)));
    }

    [TestCase(TrainingDynamics.Discrete, 150.0)]
    [TestCase(TrainingDynamics.Continuous, 150.0)]
    public void EqualsRetrainingWithoutEachSample(TrainingDynamics dynamics, double steps)
    {
        var model = RandomLinearizedModel.Create(n: 8, k: 2, d: 40, m: 4, seed: 31);
        var run = new TrainingRun(model.StableLearningRate(0.02), steps, 0.02, dynamics);
        var expected = WeightSpaceRetraining.Run(model.Jacobian, model.Targets, model.InitialPredictions, model.TestJacobian, run);
        var actual = LeaveOneOutEstimator.Estimate(model.Problem(true), run, new EstimatorOptions(FiniteTimeMethod: FiniteTimeMethod.Chebyshev));
        Expect.SameLeaveOneOut(actual, expected);
    }

    [Test]
    public void ResultsDoNotDependOnTheWorkingMemory()
    {
        var model = RandomLinearizedModel.Create(n: 11, k: 3, d: 60, m: 4, seed: 12);
        var run = new TrainingRun(model.StableLearningRate(0.1), 80, 0.1);
        var options = new EstimatorOptions(FiniteTimeMethod: FiniteTimeMethod.Chebyshev);
        var roomy = LeaveOneOutEstimator.Estimate(model.Problem(true), run, options);
        // One sample per chunk: every chunk offset of the mask is exercised.
        var tight = LeaveOneOutEstimator.Estimate(model.Problem(true), run, options with { WorkingMemoryBytes = 1 });
        Expect.SameLeaveOneOut(tight, roomy);
    }

    [Test]
    public void ProgressIsOrderedAndReachesTheEndOverSeveralChunks()
    {
        var model = RandomLinearizedModel.Create(n: 5, k: 2, d: 30, m: 2, seed: 9);
        var reports = new List<EstimatorProgress>();
        LeaveOneOutEstimator.Estimate(model.Problem(true), new TrainingRun(model.StableLearningRate(0.1), 60, 0.1),
            new EstimatorOptions(FiniteTimeMethod: FiniteTimeMethod.Chebyshev, WorkingMemoryBytes: 1, Progress: new SynchronousProgress<EstimatorProgress>(reports.Add)));
        Assert.That(reports.Select(r => r.Stage), Does.Contain("Chebyshev products"));
        Assert.That(reports[^1].Fraction, Is.EqualTo(1.0));
        Assert.That(reports.Select(r => r.Fraction), Is.Ordered);
    }

    public static IEnumerable<TestCaseData> Filters()
    {
        foreach (var dynamics in new[] { TrainingDynamics.Discrete, TrainingDynamics.Continuous })
        foreach (var (lower, upper) in new[] { (0.0, 1.0), (1e-3, 1.9), (-1e-9, 0.4), (0.2, 0.2) })
        foreach (double steps in new[] { 1.0, 30, 1000, 20000 })
            yield return new TestCaseData(dynamics, lower, upper, steps).SetName($"{dynamics} [{lower}, {upper}] t={steps}");
    }

    /// <summary>The interpolant, summed literally (T_j(u) = cos(j arccos u)), against phi at 2,001 points of the interval.</summary>
    [TestCaseSource(nameof(Filters))]
    public void TheInterpolantMeetsItsBoundOnTheInterval(TrainingDynamics dynamics, double lower, double upper, double steps)
    {
        const double step = 1.0;
        var ends = SpectralFilter.Coefficients(tensor(new[] { lower, upper }, float64), step, steps, dynamics);
        double tolerance = 1e-12 * ends.min().ToDouble();
        var filter = ChebyshevFilter.Fit(lower, upper, step, steps, dynamics, tolerance);
        var points = linspace(filter.Lower, filter.Upper, 2001, dtype: float64);
        var u = ((2 * points - (filter.Lower + filter.Upper)) / (filter.Upper - filter.Lower)).clamp(-1, 1);
        var angle = u.arccos();
        var interpolant = zeros_like(points);
        for (int j = 0; j <= filter.Degree; j++) interpolant += filter.Coefficients[j] * (j * angle).cos();
        var phi = SpectralFilter.Coefficients(points, step, steps, dynamics);

        double error = (interpolant - phi).abs().max().ToDouble();
        // phi's values carry round-off relative to its largest value, and so do the interpolant's coefficients and this sum.
        double roundOff = 1e-14 * phi.abs().max().ToDouble() * Math.Sqrt(filter.Degree + 1);
        TestContext.Out.WriteLine($"degree {filter.Degree}, bound {filter.ErrorBound:G3}, error {error:G3}, round-off allowance {roundOff:G3}");
        Assert.That(filter.ErrorBound, Is.LessThanOrEqualTo(tolerance));
        Assert.That(error, Is.LessThanOrEqualTo(filter.ErrorBound + roundOff), $"degree {filter.Degree}");
        if (dynamics == TrainingDynamics.Discrete) Assert.That(filter.Degree, Is.LessThanOrEqualTo(steps - 1), "phi is a polynomial of degree t - 1");
    }

    [Test]
    public void LongRunsNeedFarFewerProductsThanSteps()
    {
        // eta lambda_max = 1.9, t = 10,000: the interpolant's degree grows like sqrt(eta t lambda_max), not like t.
        var filter = ChebyshevFilter.Fit(1e-3, 1.9, 1.0, 10_000, TrainingDynamics.Discrete, 1e-12);
        Assert.That(filter.Degree, Is.LessThan(10_000 / 10));
    }

    [Test]
    public void TheAutomaticChoiceTakesTheFewestProducts()
    {
        var discrete = new TrainingRun(0.1, 1000, 0.01);
        Assert.That(FiniteTimeLeaveOneOut.Choose(discrete, 400, 10, chebyshevDegree: 120), Is.EqualTo(FiniteTimeMethod.Chebyshev));
        Assert.That(FiniteTimeLeaveOneOut.Choose(discrete with { Steps = 50 }, 400, 10, chebyshevDegree: 49), Is.EqualTo(FiniteTimeMethod.BatchedIteration));
        var flow = discrete with { Dynamics = TrainingDynamics.Continuous };
        Assert.That(FiniteTimeLeaveOneOut.Choose(flow, 400, 10, chebyshevDegree: 120), Is.EqualTo(FiniteTimeMethod.Chebyshev));
        Assert.That(FiniteTimeLeaveOneOut.Choose(flow, 5, 2, chebyshevDegree: 120), Is.EqualTo(FiniteTimeMethod.Spectral));
    }

    [Test]
    public void TheEstimatorTakesChebyshevForALongRun()
    {
        // n k = 60: eigendecompositions would cost about 6 * 60 = 360 products, the iteration 2,000.
        var model = RandomLinearizedModel.Create(n: 30, k: 2, d: 120, m: 3, seed: 41);
        var run = new TrainingRun(model.StableLearningRate(0.01), 2000, 0.01);
        var result = LeaveOneOutEstimator.Estimate(model.Problem(true), run);
        Assert.That(result.Solver.Method, Is.EqualTo("chebyshev"));
        Expect.SameLeaveOneOut(result, LeaveOneOutEstimator.Estimate(model.Problem(true), run, new EstimatorOptions(FiniteTimeMethod: FiniteTimeMethod.Spectral)));
    }
}
