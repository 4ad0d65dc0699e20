using SmoothInfo.Estimation;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Policy.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Kernels;

/// <summary>The weight-space routes run in float32 (estimator.precision: float32) and agree with float64 to float32 accuracy.</summary>
public sealed class Float32WeightSpaceTests
{
    private static Tensor Targets(long n, ScalarType dtype)
    {
        using var g = new Generator().manual_seed(3);
        return randn(new[] { n, (long)TestNetworks.Outputs }, float64, generator: g).to(dtype);
    }

    private static double RelativeError(Tensor actual, Tensor expected) =>
        (linalg.norm(actual.to(float64) - expected) / linalg.norm(expected)).ToDouble();

    [Test]
    public void TheLinearHeadRunsInFloat32()
    {
        using var network = TestNetworks.Mlp(Activation.Tanh);
        using var x = TestNetworks.MlpInputs(40);
        var run = new TrainingRun(0.01, double.PositiveInfinity, 0.1);
        var exact = LinearHeadLeaveOneOut.Compute(LinearHead.Problem(network, x, Targets(40, float64)), run);
        network.to(float32);
        var single = LinearHeadLeaveOneOut.Compute(LinearHead.Problem(network, x.to(float32), Targets(40, float32)), run);
        Assert.That(single.WeightChange.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(RelativeError(single.LeaveOneOutPrediction, exact.LeaveOneOutPrediction), Is.LessThan(1e-4));
    }

    [Test]
    public void WeightSpaceRunsInFloat32()
    {
        using var network = TestNetworks.Mlp(Activation.Tanh);
        using var x = TestNetworks.MlpInputs(40);
        var run = new TrainingRun(1e-3, double.PositiveInfinity, 0.3);
        LeaveOneOutResult Compute(ScalarType dtype)
        {
            network.to(dtype);
            using var input = x.to(dtype);
            using var y = Targets(40, dtype);
            Tensor f0;
            using (no_grad()) f0 = network.call(input);
            var rows = JacobianRows.Exact(network, ParameterSelection.All);
            return WeightSpaceLeaveOneOut.Compute(rows.Source(input), y, f0, run);
        }
        var exact = Compute(float64);
        var single = Compute(float32);
        Assert.That(single.WeightChange.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(RelativeError(single.LeaveOneOutPrediction, exact.LeaveOneOutPrediction), Is.LessThan(1e-4));
    }
}
