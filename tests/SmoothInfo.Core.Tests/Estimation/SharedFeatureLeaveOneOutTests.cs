using SmoothInfo.Estimation;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Estimation;

/// <summary>The linear-head path against the general weight-space path on the explicit Jacobian I_k (x) Phi.</summary>
public sealed class SharedFeatureLeaveOneOutTests
{
    /// <summary>Sample-major rows (i, c) of the head's Jacobian: e_c (x) phi_i.</summary>
    private static Tensor HeadJacobian(Tensor features, long k) =>
        einsum("cd,iq->icdq", eye(k, dtype: float64), features).reshape(features.shape[0] * k, k * features.shape[1]);

    [TestCase(1, 0.1)]
    [TestCase(4, 0.1)]
    [TestCase(4, 0.0)]
    public void EqualsTheWeightSpacePathOnTheKroneckerJacobian(long k, double weightDecay)
    {
        var generator = new Generator().manual_seed(31 + (int)k);
        long n = 25, q = 6, m = 7;
        var features = cat(new[] { randn(new long[] { n, q - 1 }, dtype: float64, generator: generator), ones(n, 1, dtype: float64) }, 1);
        var testFeatures = cat(new[] { randn(new long[] { m, q - 1 }, dtype: float64, generator: generator), ones(m, 1, dtype: float64) }, 1);
        var targets = randn(new long[] { n, k }, dtype: float64, generator: generator);
        var initial = 0.1 * randn(new long[] { n, k }, dtype: float64, generator: generator);
        var run = new TrainingRun(0.1, double.PositiveInfinity, weightDecay);

        var expected = WeightSpaceLeaveOneOut.Compute(HeadJacobian(features, k), targets, initial, HeadJacobian(testFeatures, k), run);
        var actual = SharedFeatureLeaveOneOut.Compute(features, targets, initial, testFeatures, run);
        Assert.That(actual.Solver.Method, Is.EqualTo("shared-feature"));
        Expect.SameLeaveOneOut(actual, expected);
    }
}
