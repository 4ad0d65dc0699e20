using SmoothInfo.Evidence;

namespace SmoothInfo.Tests.Evidence;

/// <summary>The out-of-the-box benchmark's plants (tests/SmoothInfo.Evidence/TabularPlants.cs, compiled in here): counts, determinism, what changes.</summary>
public sealed class TabularPlantsTests
{
    private static (double[][] Features, int[] Labels, string[] Classes) ThreeBlobs(int rows)
    {
        // Class 0 at 0, class 1 at 1 and class 2 at 10 on every feature: class 0's nearest class is 1, and 2's is 1.
        var random = new Random(4);
        var labels = Enumerable.Range(0, rows).Select(i => i % 3).ToArray();
        var centers = new[] { 0.0, 1.0, 10.0 };
        var features = labels.Select(l => Enumerable.Range(0, 16).Select(_ => centers[l] + 0.1 * random.NextDouble()).ToArray()).ToArray();
        return (features, labels, new[] { "a", "b", "c" });
    }

    [TestCase(150, 6, 3)]
    [TestCase(30, 2, 2)]   // tiny sets still get two of each
    [TestCase(1797, 72, 36)]
    public void CountsAreFourAndTwoPercentWithAtLeastTwo(int rows, int flips, int corrupted) =>
        Assert.That(TabularPlants.Counts(rows), Is.EqualTo((flips, corrupted)));

    [TestCase(false)]
    [TestCase(true)]
    public void PlantsAreDeterministicCountedAndChangeOnlyTheirRows(bool pixels)
    {
        var (x, y, classes) = ThreeBlobs(150);
        var a = TabularPlants.Make(x, y, classes, pixels, seed: 9);
        var b = TabularPlants.Make(x, y, classes, pixels, seed: 9);
        Assert.That(b.Labels, Is.EqualTo(a.Labels));
        Assert.That(b.Features, Is.EqualTo(a.Features));
        Assert.That(b.Truth, Is.EqualTo(a.Truth));
        Assert.That(TabularPlants.Make(x, y, classes, pixels, seed: 10).Truth, Is.Not.EqualTo(a.Truth));

        Assert.That(a.Truth.Count(t => t.Kind == "mislabeled"), Is.EqualTo(6));
        Assert.That(a.Truth.Count(t => t.Kind == "corrupted"), Is.EqualTo(3));
        Assert.That(a.Truth.Select(t => t.Index).Distinct().Count(), Is.EqualTo(9));
        var planted = a.Truth.ToDictionary(t => t.Index, t => t.Kind);
        for (int i = 0; i < y.Length; i++)
        {
            string? kind = planted.GetValueOrDefault(i);
            Assert.That(a.Labels[i] != y[i], Is.EqualTo(kind == "mislabeled"), $"label of row {i}");
            Assert.That(!a.Features[i].SequenceEqual(x[i]), Is.EqualTo(kind == "corrupted"), $"features of row {i}");
        }
        Assert.That(x[0], Is.EqualTo(ThreeBlobs(150).Features[0]), "the input is not modified");
    }

    [Test]
    public void ConfusableFlipsGoToTheNearestClassMean()
    {
        var (x, y, classes) = ThreeBlobs(150);
        Assert.That(TabularPlants.NearestClass(x, y, 3), Is.EqualTo(new[] { 1, 0, 1 }));
        var planted = TabularPlants.Make(x, y, classes, pixels: false, seed: 3);
        var confusable = planted.Truth.Where(t => t.Detail.Contains("confusable")).ToArray();
        Assert.That(confusable, Has.Length.EqualTo(3));
        foreach (var t in confusable) Assert.That(planted.Labels[t.Index], Is.EqualTo(new[] { 1, 0, 1 }[y[t.Index]]));
    }
}
