using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Policy.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Kernels;

/// <summary>
/// Discrete gradient descent that diverges is refused on the weight-space routes too, at exactly the step the
/// function-space estimator refuses on the same kernel (they used to compute the converged answer regardless).
/// </summary>
public sealed class WeightSpaceStepSizeTests
{
    private const double WeightDecay = 1e-2;

    /// <summary>The largest learning rate (mean loss) that converges: eta n / (n - 1) * lambda_max(Theta + lambda I) = 2.</summary>
    private static double LimitLearningRate(Tensor kernel, long n)
    {
        using var regularized = kernel + WeightDecay * eye(kernel.shape[0], dtype: kernel.dtype);
        return 2 / linalg.eigvalsh(regularized).max().item<double>() * (n - 1) / n;
    }

    private static Tensor Targets(long n)
    {
        using var g = new Generator().manual_seed(3);
        return randn(new[] { n, (long)TestNetworks.Outputs }, float64, generator: g);
    }

    private static Tensor Outputs(TorchSharp.Modules.Sequential network, Tensor x)
    {
        using var noGrad = no_grad();
        return network.call(x);
    }

    [TestCase(0.98, false)]
    [TestCase(1.02, true)]
    public void WeightSpaceRefusesExactlyWhereFunctionSpaceDoes(double fractionOfLimit, bool diverges)
    {
        // d = 89 parameters < n k = 120: the weight-space regime.
        using var network = TestNetworks.Mlp(Activation.Tanh);
        using var x = TestNetworks.MlpInputs(40);
        using var y = Targets(40);
        using var f0 = Outputs(network, x);
        using var kernel = EmpiricalNtk.Train(network, x);
        var run = new TrainingRun(fractionOfLimit * LimitLearningRate(kernel, 40), double.PositiveInfinity, WeightDecay);
        var rows = JacobianRows.Exact(network, ParameterSelection.All);
        TestDelegate weightSpace = () => WeightSpaceLeaveOneOut.Compute(rows.Source(x), y, f0, run);
        TestDelegate functionSpace = () => LeaveOneOutEstimator.Estimate(new KernelProblem(kernel, y, f0), run);
        foreach (var route in new[] { weightSpace, functionSpace })
        {
            if (diverges) Assert.That(Assert.Throws<InputException>(route)!.Code, Is.EqualTo(ErrorCodes.GradientDescentDiverges));
            else Assert.DoesNotThrow(route);
        }
    }

    [TestCase(0.98, false)]
    [TestCase(1.02, true)]
    public void TheLinearHeadRefusesExactlyWhereFunctionSpaceDoes(double fractionOfLimit, bool diverges)
    {
        using var network = TestNetworks.Mlp(Activation.Tanh);
        using var x = TestNetworks.MlpInputs(30);
        using var y = Targets(30);
        using var f0 = Outputs(network, x);
        using var kernel = EmpiricalNtk.Train(network, x, new NtkOptions { Selection = ParameterSelection.LastLayers(1) });
        var run = new TrainingRun(fractionOfLimit * LimitLearningRate(kernel, 30), double.PositiveInfinity, WeightDecay);
        TestDelegate head = () => LinearHeadLeaveOneOut.Compute(LinearHead.Problem(network, x, y), run);
        TestDelegate functionSpace = () => LeaveOneOutEstimator.Estimate(new KernelProblem(kernel, y, f0), run);
        foreach (var route in new[] { head, functionSpace })
        {
            if (diverges) Assert.That(Assert.Throws<InputException>(route)!.Code, Is.EqualTo(ErrorCodes.GradientDescentDiverges));
            else Assert.DoesNotThrow(route);
        }
    }

    [Test]
    public void GradientFlowHasNoStepLimit()
    {
        using var network = TestNetworks.Mlp(Activation.Tanh);
        using var x = TestNetworks.MlpInputs(30);
        using var y = Targets(30);
        var run = new TrainingRun(10, double.PositiveInfinity, WeightDecay, TrainingDynamics.Continuous);
        Assert.DoesNotThrow(() => LinearHeadLeaveOneOut.Compute(LinearHead.Problem(network, x, y), run));
    }
}
