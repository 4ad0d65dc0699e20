using SmoothInfo.Evidence;

namespace SmoothInfo.Tests.Evidence;

/// <summary>The evidence tool's Pearson and Spearman (tests/SmoothInfo.Evidence/Correlation.cs) against textbook forms on random data.</summary>
public sealed class CorrelationTests
{
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void PearsonEqualsTheSumsOfProductsFormula(int seed)
    {
        var random = new Random(seed);
        var a = Enumerable.Range(0, 50).Select(_ => random.NextDouble()).ToArray();
        var b = a.Select(v => v + random.NextDouble()).ToArray();
        double n = a.Length, sa = a.Sum(), sb = b.Sum(), sab = a.Zip(b, (u, v) => u * v).Sum(), saa = a.Sum(u => u * u), sbb = b.Sum(v => v * v);
        double expected = (n * sab - sa * sb) / Math.Sqrt((n * saa - sa * sa) * (n * sbb - sb * sb));
        Assert.That(Correlation.Pearson(a, b), Is.EqualTo(expected).Within(1e-12));
    }

    [TestCase(4)]
    [TestCase(5)]
    public void SpearmanOfDistinctValuesEqualsTheSquaredRankDifferenceFormula(int seed)
    {
        var random = new Random(seed);
        var a = Enumerable.Range(0, 40).Select(_ => random.NextDouble()).ToArray();
        var b = a.Select(v => v * v + 0.3 * random.NextDouble()).ToArray();
        double n = a.Length;
        // Ranks by counting: the textbook rho = 1 - 6 sum d^2 / (n (n^2 - 1)) holds without ties.
        double[] Count(double[] v) => v.Select(x => (double)v.Count(y => y < x)).ToArray();
        double d2 = Count(a).Zip(Count(b), (u, v) => (u - v) * (u - v)).Sum();
        Assert.That(Correlation.Spearman(a, b), Is.EqualTo(1 - 6 * d2 / (n * (n * n - 1))).Within(1e-12));
    }

    [Test]
    public void TiedValuesShareTheirAverageRank()
    {
        var random = new Random(6);
        var values = Enumerable.Range(0, 60).Select(_ => (double)random.Next(8)).ToArray();
        // Brute force: below + (equal - 1) / 2, 0-based.
        var expected = values.Select(x => values.Count(y => y < x) + (values.Count(y => y == x) - 1) / 2.0).ToArray();
        Assert.That(Correlation.Ranks(values), Is.EqualTo(expected));
    }

    [Test]
    public void SpearmanIsOneForAnyIncreasingMap()
    {
        var random = new Random(7);
        var a = Enumerable.Range(0, 30).Select(_ => random.NextDouble() * 10).ToArray();
        Assert.That(Correlation.Spearman(a, a.Select(Math.Exp).ToArray()), Is.EqualTo(1).Within(1e-12));
        Assert.That(Correlation.Spearman(a, a.Select(v => -v * v * v).ToArray()), Is.EqualTo(-1).Within(1e-12));
    }
}
