using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Planning;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reference;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Kernels;

/// <summary>The weight-space head path gives the function-space closed form's answers on the same network.</summary>
public sealed class LinearHeadTests
{
    private static void AssertSameResults(LeaveOneOutResult actual, LeaveOneOutResult expected)
    {
        KernelAssert.Close(actual.WeightChange, expected.WeightChange);
        KernelAssert.Close(actual.TrainPredictionChange, expected.TrainPredictionChange);
        KernelAssert.Close(actual.LeaveOneOutPrediction, expected.LeaveOneOutPrediction);
        if (expected.TestPredictionChange is not null) KernelAssert.Close(actual.TestPredictionChange!, expected.TestPredictionChange);
        Assert.That(actual.TestSampleCount, Is.EqualTo(expected.TestSampleCount));
    }

    private static Tensor Targets(long n, long seed)
    {
        using var g = new Generator().manual_seed(seed);
        return randn(new[] { n, (long)TestNetworks.Outputs }, float64, generator: g);
    }

    private static LeaveOneOutResult FunctionSpace(Sequential network, Tensor x, Tensor y, Tensor xTest, TrainingRun run)
    {
        var selection = new NtkOptions { Selection = ParameterSelection.LastLayers(1) };
        using var noGrad = no_grad();
        var problem = new KernelProblem(EmpiricalNtk.Train(network, x, selection), y, network.call(x),
            EmpiricalNtk.Cross(network, xTest, x, selection), network.call(xTest));
        return LeaveOneOutEstimator.Estimate(problem, run);
    }

    [TestCase(1e-3)]
    [TestCase(0.5)]
    public void HeadOfAnMlpMatchesTheFunctionSpaceClosedForm(double weightDecay)
    {
        using var network = TestNetworks.Mlp(Activation.Tanh);
        using var x = TestNetworks.MlpInputs(9);
        using var xTest = TestNetworks.MlpInputs(4, seed: 5);
        using var y = Targets(9, 3);
        var run = new TrainingRun(0.1, double.PositiveInfinity, weightDecay);
        var expected = FunctionSpace(network, x, y, xTest, run);
        var actual = LinearHeadLeaveOneOut.Compute(LinearHead.Problem(network, x, y, xTest), run);
        AssertSameResults(actual, expected);
        Assert.That(actual.Solver.Method, Is.EqualTo("weight-space linear head"));
    }

    [Test]
    public void HeadWithoutBiasAfterConvolutionsMatchesTheFunctionSpaceClosedForm()
    {
        // More samples (20) than head features (12), the regime where the chooser picks weight space: with fewer samples
        // than features every leverage h_i is near 1 and 1 - h_i cancels (measured: 1.6e-9 relative at 6 samples, 108 features).
        var network = nn.Sequential(("conv", nn.Conv2d(2, 3, 3)), ("act", nn.ReLU()), ("pool", nn.AdaptiveAvgPool2d(new long[] { 2, 2 })),
            ("flat", nn.Flatten()), ("head", nn.Linear(12, TestNetworks.Outputs, hasBias: false)));
        StandardParameterization.Initialize(network, 4);
        network.to(float64);
        using var x = TestNetworks.ImageInputs(20);
        using var xTest = TestNetworks.ImageInputs(3, seed: 8);
        using var y = Targets(20, 9);
        // A step small enough for the function-space estimator's convergence check; at t = infinity it does not matter.
        var run = new TrainingRun(1e-4, double.PositiveInfinity, 1e-2);
        var problem = LinearHead.Problem(network, x, y, xTest);
        Assert.That(problem.HasBias, Is.False);
        AssertSameResults(LinearHeadLeaveOneOut.Compute(problem, run), FunctionSpace(network, x, y, xTest, run));
    }

    [Test]
    public void EqualsWeightSpaceRetrainingWhereTheFunctionSpaceWeightChangeLosesDigits()
    {
        // n k = 600 far above q = 9 with a small weight decay: Theta + lambda I has condition ~1e6 and the function-space
        // ||dw||^2 = v^T B_ss v - lambda ||B[:, s] v||^2 cancels (measured: about 6 digits lost); dw = z_i v_i^T does not.
        var head = nn.Sequential(("0", nn.Linear(8, 10)));
        StandardParameterization.Initialize(head, 1);
        head.to(float64);
        using var g = new Generator().manual_seed(2);
        using var x = randn(new long[] { 60, 8 }, float64, generator: g);
        using var xTest = randn(new long[] { 5, 8 }, float64, generator: g);
        using var y = randn(new long[] { 60, 10 }, float64, generator: g);
        var run = new TrainingRun(1e-4, double.PositiveInfinity, 1e-3);
        var problem = LinearHead.Problem(head, x, y, xTest);
        var actual = LinearHeadLeaveOneOut.Compute(problem, run);
        var rows = JacobianRows.Exact(head, ParameterSelection.LastLayers(1));
        using var j = rows.Rows(x);
        using var jTest = rows.Rows(xTest);
        var expected = WeightSpaceRetraining.Run(j, y, problem.InitialPredictions, jTest, run);
        AssertSameResults(actual, expected);
    }

    [Test]
    public void TheRouteIsChosenByCostAndSaysWhy()
    {
        using var network = TestNetworks.Mlp(Activation.Relu);   // 5-7-4-3: head q = 4 + 1 = 5, d = 42 + 32 + 15 = 89 in all
        Plan Choose(ParameterSelection selection, long samples, long outputs) => RoutePlanner.ForNetwork(
            NetworkSizes.Of(network, selection, samples, outputs, inputShape: [5], heldOut: 0, ScalarType.Float64, projection: null),
            new TrainingRun(0.1, double.PositiveInfinity, 1e-3), autoWeightDecay: false, PlanBudget.Unlimited);
        var head = Choose(ParameterSelection.LastLayers(1), samples: 100, outputs: 3);
        Assert.That(head.Route, Is.EqualTo(Route.LinearHead));
        Assert.That(head.Reason, Does.Contain("5 x 5").And.Contain("300 x 300"));

        var fewSamples = Choose(ParameterSelection.LastLayers(1), samples: 4, outputs: 3);
        Assert.That(fewSamples.Route, Is.EqualTo(Route.FunctionSpace));
        Assert.That(fewSamples.Reason, Does.Contain("5 inputs and only 4 samples"));

        var oneOutput = Choose(ParameterSelection.LastLayers(1), samples: 6, outputs: 1);
        Assert.That(oneOutput.Route, Is.EqualTo(Route.FunctionSpace), "6^3/3 = 72 < 6*25 + 125/3: function space is cheaper");

        var wide = Choose(ParameterSelection.All, samples: 10, outputs: 3);
        Assert.That(wide.Route, Is.EqualTo(Route.FunctionSpace));
        Assert.That(wide.Reason, Does.Contain("wide").And.Contain("d = 89"));

        var between = Choose(ParameterSelection.All, samples: 40, outputs: 3);
        Assert.That(between.Route, Is.EqualTo(Route.FunctionSpace), "120^3/3 = 576,000 < 120 * 89^2 + 89^3/3");
        Assert.That(between.Reason, Does.Contain("still cheaper"));

        var thin = Choose(ParameterSelection.All, samples: 1000, outputs: 3);
        Assert.That(thin.Route, Is.EqualTo(Route.WeightSpace));
        Assert.That(thin.Reason, Does.Contain("89 x 89").And.Contain("3000 x 3000"));
    }

    [Test]
    public void FiniteTimeOrNoWeightDecayIsRefused()
    {
        using var network = TestNetworks.Mlp(Activation.Relu);
        using var x = TestNetworks.MlpInputs(5);
        using var y = Targets(5, 1);
        var problem = LinearHead.Problem(network, x, y);
        Assert.That(Assert.Throws<InputException>(() => LinearHeadLeaveOneOut.Compute(problem, new TrainingRun(0.1, 100, 1e-3)))!.Code,
            Is.EqualTo(ErrorCodes.InvalidHyperparameter));
        Assert.Throws<InputException>(() => LinearHeadLeaveOneOut.Compute(problem, new TrainingRun(0.1, double.PositiveInfinity, 0)));
    }
}
