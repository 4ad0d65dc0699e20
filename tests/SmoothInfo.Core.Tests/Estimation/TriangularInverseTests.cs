using SmoothInfo.Estimation;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Estimation;

/// <summary>The blocked in-place inverse of a triangular factor against a plain triangular solve with the identity, in float64.</summary>
public sealed class TriangularInverseTests
{
    private static Tensor RandomFactor(long size, int seed)
    {
        using var generator = new Generator((ulong)seed);
        var features = randn(size, size + 5, dtype: float64, generator: generator);
        return linalg.cholesky(features.matmul(features.T) / size + 0.1 * eye(size, dtype: float64));
    }

    [TestCase(1, 256)]
    [TestCase(37, 256)]
    [TestCase(37, 4)]
    [TestCase(100, 7)]
    [TestCase(300, 32)]
    [TestCase(600, 256)]
    public void EqualsTheSolveWithTheIdentity(long size, long block)
    {
        var factor = RandomFactor(size, seed: (int)(size + block));
        var expected = linalg.solve_triangular(factor, eye(size, dtype: float64), upper: false);

        var actual = factor.clone();
        TriangularInverse.InvertLowerInPlace(actual, block);

        Expect.Close(actual, expected, "L^-1", relative: 1e-12);
        Assert.That(actual.triu(1).abs().max().item<double>(), Is.EqualTo(0.0), "above the diagonal");
    }
}
