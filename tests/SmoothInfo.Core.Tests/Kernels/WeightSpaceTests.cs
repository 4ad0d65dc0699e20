using SmoothInfo.Estimation;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reference.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Kernels;

/// <summary>Explicit Jacobian rows against the naive Jacobian, and weight-space leave-one-out against the function-space closed form.</summary>
public sealed class WeightSpaceTests
{
    private static Tensor Targets(long n, long seed)
    {
        using var g = new Generator().manual_seed(seed);
        return randn(new[] { n, (long)TestNetworks.Outputs }, float64, generator: g);
    }

    private static Tensor Outputs(Sequential network, Tensor x)
    {
        using var noGrad = no_grad();
        return network.call(x);
    }

    [Test]
    public void ExactRowsAreTheNaiveJacobianForMlpAndConvolutions()
    {
        foreach (var (network, x) in new[] { (TestNetworks.Mlp(Activation.Gelu), TestNetworks.MlpInputs(4)), (TestNetworks.OddConvolutions(), TestNetworks.ImageInputs(3)) })
        {
            var rows = JacobianRows.Exact(network, ParameterSelection.All);
            using var fast = rows.Rows(x);
            using var naive = NaiveJacobian.Compute(network, x, NaiveJacobian.AllParameterNames(network));
            KernelAssert.Close(fast, naive);
            Assert.That(rows.Dimension, Is.EqualTo(network.parameters().Sum(p => p.numel())));
        }
    }

    [Test]
    public void CoordinateSubsetIsTheScaledNaiveColumns()
    {
        using var network = TestNetworks.Mlp(Activation.Tanh);
        using var x = TestNetworks.MlpInputs(4);
        var rows = JacobianRows.CoordinateSubset(network, ParameterSelection.LastLayers(2), p: 20, seed: 3);
        using var naive = NaiveJacobian.Compute(network, x, new HashSet<string> { "2.weight", "2.bias", "4.weight", "4.bias" });
        using var index = tensor(rows.Coordinates!.ToArray());
        using var expected = naive.index_select(1, index) * Math.Sqrt((double)rows.FullDimension / 20);
        using var projected = rows.Rows(x);
        KernelAssert.Close(projected, expected);
        Assert.That(rows.Coordinates, Is.Ordered.And.Unique);
        Assert.That(rows.FullDimension, Is.EqualTo(32 + 15));
    }

    [TestCase(1e-3)]
    [TestCase(0.3)]
    public void WeightSpaceMatchesTheFunctionSpaceClosedFormOnAllParameters(double weightDecay)
    {
        // d = 89 parameters < n k = 120: the thin regime weight space is for.
        using var network = TestNetworks.Mlp(Activation.Tanh);
        using var x = TestNetworks.MlpInputs(40);
        using var xTest = TestNetworks.MlpInputs(7, seed: 12);
        using var y = Targets(40, 2);
        using var f0 = Outputs(network, x);
        using var f0Test = Outputs(network, xTest);
        var run = new TrainingRun(1e-3, double.PositiveInfinity, weightDecay);
        var rows = JacobianRows.Exact(network, ParameterSelection.All);
        var actual = WeightSpaceLeaveOneOut.Compute(rows.Source(x), y, f0, run, rows.Source(xTest), blockSamples: 7);
        var expected = LeaveOneOutEstimator.Estimate(
            new KernelProblem(EmpiricalNtk.Train(network, x), y, f0, EmpiricalNtk.Cross(network, xTest, x), f0Test), run);
        KernelAssert.Close(actual.WeightChange, expected.WeightChange);
        KernelAssert.Close(actual.TrainPredictionChange, expected.TrainPredictionChange);
        KernelAssert.Close(actual.TestPredictionChange!, expected.TestPredictionChange!);
        KernelAssert.Close(actual.LeaveOneOutPrediction, expected.LeaveOneOutPrediction);
    }

    [Test]
    public void ProjectedWeightSpaceIsTheClosedFormOnTheProjectedKernel()
    {
        using var network = TestNetworks.OddConvolutions();
        using var x = TestNetworks.ImageInputs(12);
        using var y = Targets(12, 4);
        using var f0 = Outputs(network, x);
        var run = new TrainingRun(1e-4, double.PositiveInfinity, 1e-2);
        var rows = JacobianRows.CoordinateSubset(network, ParameterSelection.All, p: 30, seed: 8);
        var actual = WeightSpaceLeaveOneOut.Compute(rows.Source(x), y, f0, run);
        using var j = rows.Rows(x);
        var expected = LeaveOneOutEstimator.Estimate(new KernelProblem(j.matmul(j.t()), y, f0), run);
        KernelAssert.Close(actual.WeightChange, expected.WeightChange);
        KernelAssert.Close(actual.TrainPredictionChange, expected.TrainPredictionChange);
        KernelAssert.Close(actual.LeaveOneOutPrediction, expected.LeaveOneOutPrediction);
    }
}
