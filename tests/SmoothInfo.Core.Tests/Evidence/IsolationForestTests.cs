using SmoothInfo.Evidence;

namespace SmoothInfo.Tests.Evidence;

/// <summary>The benchmark's isolation-forest peer (tests/SmoothInfo.Evidence/IsolationForest.cs, compiled in here).</summary>
public sealed class IsolationForestTests
{
    [Test]
    public void APlantedOutlierScoresHighestAndAboveOneHalf()
    {
        var random = new Random(2);
        var rows = Enumerable.Range(0, 500).Select(_ => Enumerable.Range(0, 3).Select(_ => random.NextDouble()).ToArray()).ToArray();
        rows[123] = new[] { 8.0, -7.0, 9.0 };
        var scores = IsolationForest.Scores(rows, trees: 100, subsample: 256, seed: 1);

        Assert.That(Array.IndexOf(scores, scores.Max()), Is.EqualTo(123));
        Assert.That(scores[123], Is.GreaterThan(0.6));
        Assert.That(scores.Where((_, i) => i != 123).Average(), Is.LessThan(0.5));
        Assert.That(IsolationForest.Scores(rows, trees: 100, subsample: 256, seed: 1), Is.EqualTo(scores), "seeded");
    }

    [Test]
    public void AveragePathLengthIsTheBinarySearchTreeFormula()
    {
        Assert.That(IsolationForest.AveragePathLength(1), Is.EqualTo(0));
        Assert.That(IsolationForest.AveragePathLength(2), Is.EqualTo(1));
        // c(256) = 2 H(255) - 2 * 255 / 256, H(i) ~ ln i + Euler's gamma: about 10.24 (the paper's normalizer for psi = 256).
        Assert.That(IsolationForest.AveragePathLength(256), Is.EqualTo(2 * (Math.Log(255) + 0.5772156649015329) - 2 * 255.0 / 256).Within(1e-12));
        Assert.That(IsolationForest.AveragePathLength(256), Is.EqualTo(10.24).Within(0.01));
    }
}
