using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Reference;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Estimation;

/// <summary>The weight-space (Woodbury) path against the function-space estimator and against retraining.</summary>
public sealed class WeightSpaceLeaveOneOutTests
{
    [TestCase(1, 0.05)]
    [TestCase(3, 0.05)]
    [TestCase(3, 2.0)]
    public void EqualsTheFunctionSpaceEstimatorWhereBothApply(long k, double weightDecay)
    {
        // p < n*k: the kernel J J^T is singular, weight decay makes both well posed.
        var model = RandomLinearizedModel.Create(n: 20, k: k, d: 12, m: 4, seed: (int)(k * 7));
        var run = new TrainingRun(0.1, double.PositiveInfinity, weightDecay);
        var expected = LeaveOneOutEstimator.Estimate(model.Problem(true), run);
        var actual = WeightSpaceLeaveOneOut.Compute(model.Jacobian, model.Targets, model.InitialPredictions, model.TestJacobian, run);
        Assert.That(actual.Solver.Method, Is.EqualTo("weight-space"));
        Expect.SameLeaveOneOut(actual, expected);
    }

    [TestCase(1)]
    [TestCase(2)]
    public void WithoutWeightDecayEqualsRetrainingToTheLeastSquaresSolution(long k)
    {
        // lambda = 0 with p < n*k: the function-space system is singular, but J^T J is not.
        var model = RandomLinearizedModel.Create(n: 15, k: k, d: 6, m: 3, seed: 40 + (int)k);
        var run = new TrainingRun(0.1, double.PositiveInfinity, 0);
        var expected = WeightSpaceRetraining.Run(model.Jacobian, model.Targets, model.InitialPredictions, model.TestJacobian, run);
        var actual = WeightSpaceLeaveOneOut.Compute(model.Jacobian, model.Targets, model.InitialPredictions, model.TestJacobian, run);
        Expect.SameLeaveOneOut(actual, expected);
    }

    [Test]
    public void ResultsDoNotDependOnTheWorkingMemory()
    {
        var model = RandomLinearizedModel.Create(n: 9, k: 2, d: 7, m: 3, seed: 9);
        var run = new TrainingRun(0.1, double.PositiveInfinity, 0.3);
        var roomy = WeightSpaceLeaveOneOut.Compute(model.Jacobian, model.Targets, model.InitialPredictions, model.TestJacobian, run);
        var tight = WeightSpaceLeaveOneOut.Compute(model.Jacobian, model.Targets, model.InitialPredictions, model.TestJacobian, run,
            workingMemoryBytes: 1);
        Expect.SameLeaveOneOut(tight, roomy);
    }

    [Test]
    public void FiniteTimeIsRefusedWithTheAlternative()
    {
        var model = RandomLinearizedModel.Create(n: 5, k: 1, d: 3, m: 1, seed: 1);
        var e = Assert.Throws<InputException>(() => WeightSpaceLeaveOneOut.Compute(model.Jacobian, model.Targets,
            model.InitialPredictions, null, new TrainingRun(0.1, 10, 0.1)))!;
        Assert.That(e.Fix, Does.Contain("function-space"));
    }

    [Test]
    public void ASingularGramMatrixWithoutWeightDecayAsksForIt()
    {
        var model = RandomLinearizedModel.Create(n: 3, k: 1, d: 8, m: 1, seed: 2); // p > n: J^T J is singular
        var e = Assert.Throws<InputException>(() => WeightSpaceLeaveOneOut.Compute(model.Jacobian, model.Targets,
            model.InitialPredictions, null, new TrainingRun(0.1, double.PositiveInfinity, 0)))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.SingularSystem).Or.EqualTo(ErrorCodes.IllConditioned));
    }
}
