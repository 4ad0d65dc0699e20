using static TorchSharp.torch;

namespace SmoothInfo.Tests.Kernels;

internal static class KernelAssert
{
    /// <summary>max |actual - expected| relative to max |expected|: the float64 agreement the issue asks for (1e-10).</summary>
    public static double RelativeError(Tensor actual, Tensor expected)
    {
        Assert.That(actual.shape, Is.EqualTo(expected.shape));
        using var scope = NewDisposeScope();
        double scale = expected.abs().max().item<double>();
        Assert.That(scale, Is.GreaterThan(0), "the expected kernel is all zeros: the comparison would prove nothing");
        return (actual - expected).abs().max().item<double>() / scale;
    }

    public static void Close(Tensor actual, Tensor expected, double tolerance = 1e-10) =>
        Assert.That(RelativeError(actual, expected), Is.LessThanOrEqualTo(tolerance));
}
