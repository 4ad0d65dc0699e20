using SmoothInfo.Estimation;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reference;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Estimation;

/// <summary>The estimator against literal retraining of the linearized model in weight space, in float64.</summary>
public sealed class LeaveOneOutEstimatorTests
{
    public static IEnumerable<TestCaseData> Runs()
    {
        var timings = new (TrainingDynamics Dynamics, double Steps)[]
        {
            (TrainingDynamics.Discrete, double.PositiveInfinity),
            (TrainingDynamics.Discrete, 40),
            (TrainingDynamics.Continuous, 3.5),
        };
        foreach (long k in new long[] { 1, 3 })
        foreach (double weightDecay in new[] { 0.0, 0.05 })
        foreach (var (dynamics, steps) in timings)
        foreach (var loss in new[] { LossReduction.Mean, LossReduction.Sum })
            yield return new TestCaseData(k, weightDecay, dynamics, steps, loss)
                .SetName($"k={k} lambda={weightDecay} {dynamics} t={steps} {loss}");
    }

    [TestCaseSource(nameof(Runs))]
    public void EqualsRetrainingWithoutEachSample(long k, double weightDecay, TrainingDynamics dynamics, double steps, LossReduction loss)
    {
        long n = k == 1 ? 9 : 6;
        var model = RandomLinearizedModel.Create(n, k, d: 3 * n * k, m: 4, seed: (int)(17 * k + 100 * weightDecay + steps % 97));
        var run = new TrainingRun(model.StableLearningRate(weightDecay), steps, weightDecay, dynamics, loss);

        var expected = WeightSpaceRetraining.Run(model.Jacobian, model.Targets, model.InitialPredictions, model.TestJacobian, run);
        var actual = LeaveOneOutEstimator.Estimate(model.Problem(withTestSet: true), run);

        Expect.SameLeaveOneOut(actual, expected);
    }

    [TestCase(FiniteTimeMethod.BatchedIteration)]
    [TestCase(FiniteTimeMethod.Spectral)]
    [TestCase(FiniteTimeMethod.Chebyshev)]
    public void EveryFiniteTimeMethodEqualsRetraining(FiniteTimeMethod method)
    {
        var model = RandomLinearizedModel.Create(n: 7, k: 2, d: 40, m: 3, seed: 5);
        var run = new TrainingRun(model.StableLearningRate(0.01), 25, 0.01);
        var expected = WeightSpaceRetraining.Run(model.Jacobian, model.Targets, model.InitialPredictions, model.TestJacobian, run);
        var actual = LeaveOneOutEstimator.Estimate(model.Problem(true), run, new EstimatorOptions(FiniteTimeMethod: method));
        Assert.That(actual.Solver.Method, Is.EqualTo(method switch
        {
            FiniteTimeMethod.Spectral => "spectral",
            FiniteTimeMethod.Chebyshev => "chebyshev",
            _ => "batched-iteration",
        }));
        Expect.SameLeaveOneOut(actual, expected);
    }

    // k = 1 and 2 read B formed, k = 3 and more through L^{-1}; 120 x 3 spans two of TriangularInverse's blocks.
    [TestCase(12, 3, 50)]
    [TestCase(120, 3, 400)]
    [TestCase(150, 2, 400)]
    [TestCase(300, 1, 400)]
    public void ClosedFormEqualsThePerSampleSolveOfTheReferenceImplementation(long n, long k, long d)
    {
        var model = RandomLinearizedModel.Create(n, k, d, m: 5, seed: 11);
        var problem = model.Problem(true);
        var run = new TrainingRun(0.1, double.PositiveInfinity, 0.02);
        var expected = PerSampleLeaveOneOut.Run(problem, run.WeightDecay);
        var actual = LeaveOneOutEstimator.Estimate(problem, run);
        Assert.That(actual.Solver.Method, Is.EqualTo("closed-form"));
        Expect.SameLeaveOneOut(actual, expected);
    }

    [Test]
    public void WithoutAHeldOutSetFunctionalSIUsesTheOtherTrainingSamples()
    {
        var model = RandomLinearizedModel.Create(n: 8, k: 2, d: 30, m: 1, seed: 3);
        var run = new TrainingRun(0.1, double.PositiveInfinity, 0.1);
        var result = LeaveOneOutEstimator.Estimate(model.Problem(withTestSet: false), run);
        var expected = WeightSpaceRetraining.Run(model.Jacobian, model.Targets, model.InitialPredictions, null, run);
        Assert.That(result.TestPredictionChange, Is.Null);
        const double sigma = 0.5;
        // Sum over the n-1 other samples of the squared change, over 2 sigma^2.
        Expect.Close(result.FunctionalSI(sigma), expected.TrainPredictionChange * (7 / (2 * sigma * sigma)), "F-SI");
        Expect.Close(result.WeightSI(sigma), expected.WeightChange / (2 * sigma * sigma), "weight SI");
    }

    [Test]
    public void HeldOutFunctionalSISumsOverTheHeldOutSamples()
    {
        var model = RandomLinearizedModel.Create(n: 5, k: 2, d: 30, m: 6, seed: 4);
        var run = new TrainingRun(0.1, double.PositiveInfinity, 0.1);
        var result = LeaveOneOutEstimator.Estimate(model.Problem(true), run);
        var expected = WeightSpaceRetraining.Run(model.Jacobian, model.Targets, model.InitialPredictions, model.TestJacobian, run);
        Expect.Close(result.FunctionalSI(2.0), expected.TestPredictionChange! * (6 / 8.0), "F-SI");
    }

    [Test]
    public void Float32StaysCloseToFloat64()
    {
        var model = RandomLinearizedModel.Create(n: 20, k: 2, d: 80, m: 5, seed: 8);
        var run = new TrainingRun(0.1, double.PositiveInfinity, 0.1);
        var exact = LeaveOneOutEstimator.Estimate(model.Problem(true), run);
        var single = LeaveOneOutEstimator.Estimate(model.Problem(true), run, new EstimatorOptions(Precision: ScalarType.Float32));
        Assert.That(single.WeightChange.dtype, Is.EqualTo(ScalarType.Float32));
        Expect.Close(single.WeightChange.to(float64), exact.WeightChange, "float32 weight change", relative: 1e-3);
    }

    [TestCase(double.PositiveInfinity, FiniteTimeMethod.Auto)]
    [TestCase(12.0, FiniteTimeMethod.Spectral)]
    public void ResultsDoNotDependOnTheWorkingMemory(double steps, FiniteTimeMethod method)
    {
        var model = RandomLinearizedModel.Create(n: 11, k: 3, d: 60, m: 4, seed: 12);
        var run = new TrainingRun(model.StableLearningRate(0.1), steps, 0.1);
        var roomy = LeaveOneOutEstimator.Estimate(model.Problem(true), run, new EstimatorOptions(FiniteTimeMethod: method));
        // A budget below one sample's temporaries: one sample per chunk, so every chunk offset is exercised.
        var tight = LeaveOneOutEstimator.Estimate(model.Problem(true), run, new EstimatorOptions(FiniteTimeMethod: method, WorkingMemoryBytes: 1));
        Expect.SameLeaveOneOut(tight, roomy);
    }

    [Test]
    public void SameInputsGiveBitIdenticalResults()
    {
        var model = RandomLinearizedModel.Create(n: 30, k: 3, d: 120, m: 10, seed: 21);
        var run = new TrainingRun(0.1, double.PositiveInfinity, 0.01);
        var first = LeaveOneOutEstimator.Estimate(model.Problem(true), run);
        var second = LeaveOneOutEstimator.Estimate(model.Problem(true), run);
        Assert.That(first.WeightChange.data<double>().ToArray(), Is.EqualTo(second.WeightChange.data<double>().ToArray()));
        Assert.That(first.TestPredictionChange!.data<double>().ToArray(), Is.EqualTo(second.TestPredictionChange!.data<double>().ToArray()));
    }

    [Test]
    public void TheInputsAreNotModified()
    {
        var model = RandomLinearizedModel.Create(n: 6, k: 2, d: 30, m: 2, seed: 9);
        var problem = model.Problem(true);
        var before = problem.TrainKernel.clone();
        LeaveOneOutEstimator.Estimate(problem, new TrainingRun(0.1, double.PositiveInfinity, 0.5));
        Assert.That(problem.TrainKernel.eq(before).all().item<bool>(), Is.True);
    }

    [Test]
    public void ProgressReachesTheEnd()
    {
        var model = RandomLinearizedModel.Create(n: 6, k: 2, d: 30, m: 2, seed: 9);
        var reports = new List<EstimatorProgress>();
        LeaveOneOutEstimator.Estimate(model.Problem(true), new TrainingRun(0.1, double.PositiveInfinity, 0.5),
            new EstimatorOptions(Progress: new SynchronousProgress(reports.Add)));
        Assert.That(reports, Is.Not.Empty);
        Assert.That(reports[^1].Fraction, Is.EqualTo(1.0));
        Assert.That(reports.Select(r => r.Fraction), Is.Ordered);
    }

    private sealed class SynchronousProgress(Action<EstimatorProgress> report) : IProgress<EstimatorProgress>
    {
        public void Report(EstimatorProgress value) => report(value);
    }
}
