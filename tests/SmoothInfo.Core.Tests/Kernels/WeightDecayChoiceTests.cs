using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Gate;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Planning;
using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Kernels;

/// <summary><c>weightDecay: auto</c> on a network: the head's route when only the last layer is linearized, else the kernel's eigendecomposition.</summary>
public sealed class WeightDecayChoiceTests
{
    [Test]
    public void TheChosenWeightDecayGivesTheLinearHeadsAnswerAndTheLeastLeaveOneOutError()
    {
        using var network = TestNetworks.Mlp(Activation.Tanh);
        var x = TestNetworks.MlpInputs(40);
        var labels = tensor(Enumerable.Range(0, 40).Select(i => (long)(i % TestNetworks.Outputs)).ToArray());
        var run = new TrainingRun(0.1, double.PositiveInfinity, 0, TrainingDynamics.Continuous); // no step limit at any grid point

        var plan = Plan(network, ParameterSelection.LastLayers(1), x, run);
        var actual = LeaveOneOutRun.Estimate(plan, network, ParameterSelection.LastLayers(1), x, labels, TestNetworks.Outputs, run,
            new EstimatorOptions(), null, chooseWeightDecay: true);

        Assert.That(plan.Route, Is.EqualTo(Route.LinearHead));
        var path = actual.Solver.Regularization!;
        var targets = nn.functional.one_hot(labels, TestNetworks.Outputs).to(float64);
        var expected = LinearHeadLeaveOneOut.Compute(LinearHead.Problem(network, x, targets), run with { WeightDecay = path.Chosen });
        KernelAssert.Close(actual.WeightChange, expected.WeightChange);
        KernelAssert.Close(actual.TrainPredictionChange, expected.TrainPredictionChange);
        KernelAssert.Close(actual.LeaveOneOutPrediction, expected.LeaveOneOutPrediction);
        // Each grid point's error is the head's leave-one-out error at that weight decay.
        foreach (int g in new[] { 0, 20, 40 })
        {
            var atPoint = LinearHeadLeaveOneOut.Compute(LinearHead.Problem(network, x, targets), run with { WeightDecay = path.WeightDecays[g] });
            double error = (targets - atPoint.LeaveOneOutPrediction).square().sum(1).mean().item<double>();
            Assert.That(path.LeaveOneOutErrors[g], Is.EqualTo(error).Within(1e-6).Percent, $"grid point {g}");
        }
        Assert.That(path.LeaveOneOutErrors.Min(), Is.EqualTo(path.LeaveOneOutErrors[path.WeightDecays.ToList().IndexOf(path.Chosen)]));
    }

    [Test]
    public void ADivergentStepAtTheChosenWeightDecayIsRefusedAsOnTheFixedRoute()
    {
        using var network = TestNetworks.Mlp(Activation.Tanh);
        var x = TestNetworks.MlpInputs(40);
        var labels = tensor(Enumerable.Range(0, 40).Select(i => (long)(i % TestNetworks.Outputs)).ToArray());
        var run = new TrainingRun(10, double.PositiveInfinity, 0);
        var e = Assert.Throws<InputException>(() => LeaveOneOutRun.Estimate(Plan(network, ParameterSelection.LastLayers(1), x, run), network,
            ParameterSelection.LastLayers(1), x, labels, TestNetworks.Outputs, run, new EstimatorOptions(), null, chooseWeightDecay: true));
        Assert.That(e!.Code, Is.EqualTo(ErrorCodes.GradientDescentDiverges));
    }

    [Test]
    public void OffTheHeadRouteTheKernelsEigendecompositionChoosesAndTheEstimatorRunsThere()
    {
        using var network = TestNetworks.Mlp(Activation.Tanh);
        var x = TestNetworks.MlpInputs(10);
        var labels = tensor(Enumerable.Range(0, 10).Select(i => (long)(i % TestNetworks.Outputs)).ToArray());
        var run = new TrainingRun(0.1, double.PositiveInfinity, 0, TrainingDynamics.Continuous);
        var plan = Plan(network, ParameterSelection.All, x, run);
        var actual = LeaveOneOutRun.Estimate(plan, network, ParameterSelection.All, x, labels, TestNetworks.Outputs, run,
            new EstimatorOptions(), null, chooseWeightDecay: true);
        Assert.That(plan.Route, Is.EqualTo(Route.FunctionSpace));
        var path = actual.Solver.Regularization!;

        var kernel = EmpiricalNtk.Train(network, x, new NtkOptions());
        var targets = nn.functional.one_hot(labels, TestNetworks.Outputs).to(float64);
        using var noGrad = no_grad();
        var problem = new KernelProblem(kernel, targets, network.call(x));
        foreach (int g in new[] { 0, 12, 24, 40 })
        {
            var atPoint = LeaveOneOutEstimator.Estimate(problem, run with { WeightDecay = path.WeightDecays[g] });
            double error = (targets - atPoint.LeaveOneOutPrediction).square().sum(1).mean().item<double>();
            Assert.That(path.LeaveOneOutErrors[g], Is.EqualTo(error).Within(1e-6).Percent, $"grid point {g}");
        }
        var expected = LeaveOneOutEstimator.Estimate(problem, run with { WeightDecay = path.Chosen });
        KernelAssert.Close(actual.LeaveOneOutPrediction, expected.LeaveOneOutPrediction);
        KernelAssert.Close(actual.WeightChange, expected.WeightChange);
    }

    [Test]
    public void AutomaticWeightDecayWithFiniteStepsIsRefused()
    {
        using var network = TestNetworks.Mlp(Activation.Tanh);
        var x = TestNetworks.MlpInputs(10);
        var labels = tensor(Enumerable.Range(0, 10).Select(i => (long)(i % TestNetworks.Outputs)).ToArray());
        var run = new TrainingRun(0.1, 20, 0);
        var e = Assert.Throws<InputException>(() => LeaveOneOutRun.Estimate(Plan(network, ParameterSelection.All, x, run), network,
            ParameterSelection.All, x, labels, TestNetworks.Outputs, run, new EstimatorOptions(), null, chooseWeightDecay: true));
        Assert.That(e!.Code, Is.EqualTo(ErrorCodes.PolicyInconsistent));
    }

    private static Plan Plan(TorchSharp.Modules.Sequential network, ParameterSelection selection, Tensor x, TrainingRun run) =>
        RoutePlanner.ForNetwork(NetworkSizes.Of(network, selection, x.shape[0], TestNetworks.Outputs, [x.shape[1]], 0, ScalarType.Float64, null),
            run, autoWeightDecay: true, PlanBudget.Unlimited);
}
