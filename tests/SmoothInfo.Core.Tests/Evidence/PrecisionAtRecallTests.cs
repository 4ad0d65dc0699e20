using SmoothInfo.Evidence;

namespace SmoothInfo.Tests.Evidence;

/// <summary>The benchmark's best precision at a recall (tests/SmoothInfo.Evidence/Auroc.cs, compiled in here).</summary>
public sealed class PrecisionAtRecallTests
{
    [Test]
    public void TakesTheBestThresholdThatReachesTheRecall()
    {
        // Ranked: P N P N N P P N; 4 planted. Recall >= .5 first at the 3rd (2/3), recall 1 at the 7th (4/7).
        double[] scores = { 8, 7, 6, 5, 4, 3, 2, 1 };
        string?[] kinds = { "mislabeled", null, "corrupted", null, null, "adversarial", "mislabeled", null };

        Assert.That(Auroc.PrecisionAtRecall(scores, kinds, 0.5), Is.EqualTo(2.0 / 3).Within(1e-15));
        // Recall .75 needs the 6th sample (3/6), but going on to the 7th finds all four at 4/7, the better precision.
        Assert.That(Auroc.PrecisionAtRecall(scores, kinds, 0.75), Is.EqualTo(4.0 / 7).Within(1e-15));
        Assert.That(Auroc.PrecisionAtRecall(scores, kinds, 1.0), Is.EqualTo(4.0 / 7).Within(1e-15));
    }

    [Test]
    public void TiedScoresAreTakenTogether()
    {
        // The first threshold holds both tied samples, one planted: precision 1/2, never the 1/1 an arbitrary order would give.
        double[] scores = { 5, 5, 1 };
        string?[] kinds = { null, "mislabeled", null };
        Assert.That(Auroc.PrecisionAtRecall(scores, kinds, 0.9), Is.EqualTo(0.5));
    }

    [Test]
    public void WithNothingPlantedThereIsNoPrecision() =>
        Assert.That(Auroc.PrecisionAtRecall(new double[] { 1, 2 }, new string?[] { null, null }, 0.9), Is.NaN);
}
