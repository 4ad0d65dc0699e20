using SmoothInfo.Estimation;
using SmoothInfo.Kernels;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Estimation;

/// <summary>
/// The chunked feature-space leave-one-out against the exact class-shared route on the kernel Phi Phi^T (itself tested
/// against brute-force retraining), with chunks smaller than the data so that the sums really are accumulated.
/// </summary>
public sealed class FeatureSpaceLeaveOneOutTests
{
    [TestCase(30, 6, 3, 7)]
    [TestCase(400, 12, 2, 64)]
    public void EqualsTheClassSharedKernelRouteOnEveryGridPoint(int n, int m, int k, int chunk)
    {
        var generator = new Generator(7);
        var phi = randn(new long[] { n, m }, float64, generator: generator);
        var targets = nn.functional.one_hot(randint(0, k, new long[] { n }, generator: generator), k).to(float64);
        var initial = targets.mean(new long[] { 0 }, keepdim: true).expand(n, k);
        var grid = new[] { 1e-2, 0.3, 10 };

        var (actual, path) = FeatureSpaceLeaveOneOut.Compute(n, (first, rows) => phi.narrow(0, first, rows), targets, initial, grid, chunk);
        var (expected, expectedPath) = ClassSharedLeaveOneOut.Compute(new ClassSharedProblem(phi.matmul(phi.t()), targets, initial), grid);

        Assert.That(path.LeaveOneOutErrors, Is.EqualTo(expectedPath.LeaveOneOutErrors).Within(1e-9).Percent);
        Assert.That(path.Chosen, Is.EqualTo(expectedPath.Chosen));
        Assert.That(actual.Isolation, Is.Not.Null);
        Expect.SameLeaveOneOut(actual, expected);
    }

    [Test]
    public void RandomFourierFeaturesApproximateTheGaussianKernel()
    {
        var x = randn(new long[] { 50, 4 }, float64, generator: new Generator(2));
        var (kernel, bandwidth) = GaussianKernel.Compute(x);
        using var network = new RandomFourierFeatures(4, 20000, bandwidth, seed: 3, float64, CPU);
        var phi = network.Of(x);
        double error = (phi.matmul(phi.t()) - kernel).abs().max().item<double>();
        Assert.That(error, Is.LessThan(0.05), "Monte Carlo error ~ 1/sqrt(m)");
        using var again = new RandomFourierFeatures(4, 20000, bandwidth, seed: 3, float64, CPU);
        Assert.That(again.Of(x).equal(phi).all().item<bool>(), Is.True, "seeded");
    }
}
