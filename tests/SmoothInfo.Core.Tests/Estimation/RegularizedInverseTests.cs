using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Estimation;

/// <summary>Every read the closed form makes of (Theta + lambda I)^{-1}, against the same read of linalg.inv, in float64.</summary>
public sealed class RegularizedInverseTests
{
    private const double WeightDecay = 0.05;

    private static Tensor RandomKernel(long size, int seed)
    {
        using var generator = new Generator((ulong)seed);
        var jacobian = randn(size, size / 2, dtype: float64, generator: generator);
        return jacobian.matmul(jacobian.T) / size;
    }

    // k = 1, 2: B formed; k = 3, 5: through L^{-1}. Sizes span several of TriangularInverse's 256-row blocks, unevenly.
    [TestCase(300, 1)]
    [TestCase(150, 2)]
    [TestCase(200, 3)]
    [TestCase(61, 5)]
    public void EveryReadEqualsTheDenseInverse(long n, long k)
    {
        long size = n * k;
        var kernel = RandomKernel(size, seed: (int)size);
        var dense = linalg.inv(kernel + WeightDecay * eye(size, dtype: float64));
        using var generator = new Generator(7);
        var vector = randn(size, dtype: float64, generator: generator);
        var v = randn(n, k, dtype: float64, generator: generator);

        using var inverse = RegularizedInverse.Of(kernel, k, new TrainingRun(0.1, double.PositiveInfinity, WeightDecay), "kernel.npy", null, out double oneNorm);

        Assert.That(inverse.OneNormIsEstimated, Is.EqualTo(k > 2));
        Assert.That(oneNorm, Is.EqualTo(linalg.norm(kernel + WeightDecay * eye(size, dtype: float64), 1).item<double>()).Within(1e-12).Percent);
        Expect.Close(inverse.Apply(vector), dense.matmul(vector), "B r", relative: 1e-11);
        var blocks = stack(Enumerable.Range(0, (int)n).Select(i => dense.narrow(0, i * k, k).narrow(1, i * k, k)));
        Expect.Close(inverse.DiagonalBlocks(), blocks, "B_ss", relative: 1e-11);
        // Chunks at uneven offsets, as the estimator's working memory cuts them.
        foreach (var (first, count) in new[] { (0L, n), (0L, 1L), (n / 3, n / 2), (n - 1, 1L) })
        {
            var expected = stack(Enumerable.Range((int)first, (int)count).Select(i => dense.narrow(1, i * k, k).matmul(v[i])));
            Expect.Close(inverse.WeightedColumns(v, first, count), expected, $"B[:, s] v for samples {first}..{first + count - 1}", relative: 1e-11);
        }
        double exactNorm = linalg.norm(dense, 1).item<double>();
        double norm = inverse.OneNorm();
        Assert.That(norm, Is.LessThanOrEqualTo(exactNorm * (1 + 1e-12)), "an estimate of the 1-norm is a lower bound");
        Assert.That(norm, Is.GreaterThanOrEqualTo(exactNorm / 3), "within LAPACK's usual factor");
        TestContext.Out.WriteLine($"n {n} k {k}: ||B||_1 {norm:G6}, exact {exactNorm:G6}");
    }

    // The diagonal is shifted in place for the factorization: the caller's kernel must come back bit for bit, refused or not.
    [TestCase(false)]
    [TestCase(true)]
    public void TheKernelIsLeftAsItWas(bool indefinite)
    {
        var kernel = RandomKernel(90, seed: 5);
        if (indefinite) kernel[0, 0] = tensor(-1.0, dtype: float64);
        var before = kernel.clone();
        var run = new TrainingRun(0.1, double.PositiveInfinity, WeightDecay);

        if (indefinite)
            Assert.That(Assert.Throws<InputException>(() => RegularizedInverse.Of(kernel, 3, run, "kernel.npy", null, out _))!.Code, Is.EqualTo(ErrorCodes.SingularSystem));
        else
            RegularizedInverse.Of(kernel, 3, run, "kernel.npy", null, out _).Dispose();

        Assert.That(kernel.eq(before).all().item<bool>(), Is.True);
    }
}
