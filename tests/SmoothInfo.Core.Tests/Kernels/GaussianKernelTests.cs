using SmoothInfo.Kernels;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Kernels;

/// <summary>The Gaussian kernel and its median bandwidth against loops over pairs.</summary>
public sealed class GaussianKernelTests
{
    [Test]
    public void EqualsTheDefinitionWithTheMedianSquaredDistance()
    {
        var x = randn(new long[] { 7, 4 }, float64, generator: new Generator(3));
        var rows = Enumerable.Range(0, 7).Select(i => x[i].data<double>().ToArray()).ToArray();
        double Distance(int i, int j) => rows[i].Zip(rows[j], (a, b) => (a - b) * (a - b)).Sum();
        var pairs = new List<double>();
        for (int i = 0; i < 7; i++) for (int j = i + 1; j < 7; j++) pairs.Add(Distance(i, j));
        pairs.Sort();
        // torch's median of an even count is the lower of the two middle values
        double median = pairs[(pairs.Count - 1) / 2];

        var (kernel, bandwidth) = GaussianKernel.Compute(x);

        Assert.That(bandwidth, Is.EqualTo(median).Within(1e-12 * median));
        for (int i = 0; i < 7; i++)
            for (int j = 0; j < 7; j++)
                Assert.That(kernel[i, j].item<double>(), Is.EqualTo(Math.Exp(-Distance(i, j) / median)).Within(1e-12), $"K[{i},{j}]");
    }

    [Test]
    public void IdenticalInputsFallBackToUnitBandwidth()
    {
        var (kernel, bandwidth) = GaussianKernel.Compute(ones(new long[] { 4, 3 }, float64));
        Assert.That(bandwidth, Is.EqualTo(1.0));
        Assert.That(kernel.eq(1.0).all().item<bool>(), Is.True);
    }
}
