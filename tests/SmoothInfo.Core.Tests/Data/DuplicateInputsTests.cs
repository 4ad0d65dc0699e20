using SmoothInfo.Data;

namespace SmoothInfo.Tests.Data;

/// <summary>The sorted-projection search for duplicate inputs against its brute-force twin (every pair, float64, graph search).</summary>
public sealed class DuplicateInputsTests
{
    [TestCase(1, 11)]
    [TestCase(2, 12)]
    [TestCase(7, 13)]
    [TestCase(40, 14)]
    public void GroupsAreThoseOfEveryPairCheckedByBruteForce(int dimensions, int seed)
    {
        var (features, hashes) = PlantedCopies(seed, dimensions, originals: 200);
        int count = hashes.Count;

        var found = DuplicateInputs.Find(features, count, dimensions, hashes);

        Assert.That(found.NearDistance, Is.EqualTo(0.1 * BruteForceTypicalDistance(features, count, dimensions)).Within(1e-12));
        var expected = BruteForceGroups(features, count, dimensions, hashes, found.NearDistance);
        Assert.That(found.Groups, Is.EqualTo(expected));
        // The data must exercise every path: groups joined by hash, by distance alone, and singletons.
        Assert.That(Enumerable.Range(0, count).Any(i => expected[i] is { } g && g != i && hashes[g] != hashes[i]), "a near copy is grouped");
        Assert.That(Enumerable.Range(0, count).Any(i => expected[i] is { } g && g != i && hashes[g] == hashes[i]), "an exact copy is grouped");
        Assert.That(expected.Count(g => g is null), Is.GreaterThan(count / 4), "most originals stand alone");
    }

    [Test]
    public void TypicalDistanceSkipsIdenticalNeighbours()
    {
        // Points 0, 1, 2, ... on a line, each twice: the nearest different sample is 1 away for every one.
        float[] features = Enumerable.Range(0, 40).Select(i => (float)(i / 2)).ToArray();
        Assert.That(DuplicateInputs.TypicalNearestNeighbourDistance(features, 40, 1), Is.EqualTo(1));
    }

    [Test]
    public void EveryInputTheSameIsOneGroupWithNoNearDistance()
    {
        float[] features = Enumerable.Repeat(0.5f, 30).ToArray(); // 10 samples of 3 equal features
        var found = DuplicateInputs.Find(features, 10, 3, Enumerable.Range(0, 10).Select(i => $"h{i}").ToList());
        Assert.That(found.NearDistance, Is.EqualTo(0));
        Assert.That(found.Groups, Is.All.EqualTo(0));
    }

    [Test]
    public void EvenlySpacedInputsHaveNoGroup()
    {
        float[] features = Enumerable.Range(0, 50).Select(i => (float)(3 * i)).ToArray();
        var found = DuplicateInputs.Find(features, 50, 1, Enumerable.Range(0, 50).Select(i => $"h{i}").ToList());
        Assert.That(found.Groups, Is.All.Null);
    }

    /// <summary>
    /// Uniform originals; a third get copies: exact (same bytes, same hash), the same features under another hash,
    /// and noisy ones at distances spread from well inside to well outside the near distance.
    /// </summary>
    private static (float[] Features, List<string> Hashes) PlantedCopies(int seed, int dimensions, int originals)
    {
        var random = new Random(seed);
        var rows = new List<float[]>();
        var hashes = new List<string>();
        for (int i = 0; i < originals; i++)
        {
            rows.Add(Enumerable.Range(0, dimensions).Select(_ => (float)random.NextDouble()).ToArray());
            hashes.Add($"h{i}");
        }
        double spacing = BruteForceTypicalDistance(rows.SelectMany(r => r).ToArray(), originals, dimensions);
        for (int i = 0; i < originals; i += 3)
        {
            int kind = i / 3 % 3;
            // Noise up to 0.3 × the originals' spacing, so some copies land past the near distance (0.1 × spacing, smaller with the copies).
            double scale = kind == 2 ? 0.3 * spacing * random.NextDouble() / Math.Sqrt(dimensions) : 0;
            rows.Add(rows[i].Select(v => (float)(v + scale * (2 * random.NextDouble() - 1) * Math.Sqrt(3))).ToArray());
            hashes.Add(kind == 0 ? hashes[i] : $"copy{i}");
        }
        return (rows.SelectMany(r => r).ToArray(), hashes);
    }

    private static double Distance(float[] features, int dimensions, int i, int j) =>
        Math.Sqrt(Enumerable.Range(0, dimensions).Sum(t => Math.Pow((double)features[i * dimensions + t] - features[j * dimensions + t], 2)));

    private static double BruteForceTypicalDistance(float[] features, int count, int dimensions)
    {
        int probes = Math.Min(count, DuplicateInputs.TypicalDistanceSamples);
        var nearest = Enumerable.Range(0, probes).Select(k => (int)((long)k * count / probes))
            .Select(i => Enumerable.Range(0, count).Select(j => Distance(features, dimensions, i, j)).Where(d => d > 0).DefaultIfEmpty(double.NaN).Min())
            .Where(d => !double.IsNaN(d)).Order().ToList();
        int mid = nearest.Count / 2;
        return nearest.Count % 2 == 1 ? nearest[mid] : (nearest[mid - 1] + nearest[mid]) / 2;
    }

    /// <summary>Components of "same hash or within near" by breadth-first search over every pair; the lowest index names each.</summary>
    private static int?[] BruteForceGroups(float[] features, int count, int dimensions, List<string> hashes, double near)
    {
        var groups = new int?[count];
        var seen = new bool[count];
        for (int start = 0; start < count; start++)
        {
            if (seen[start]) continue;
            var component = new List<int> { start };
            seen[start] = true;
            for (int at = 0; at < component.Count; at++)
                for (int j = 0; j < count; j++)
                    if (!seen[j] && (hashes[j] == hashes[component[at]] || Distance(features, dimensions, component[at], j) <= near))
                    {
                        seen[j] = true;
                        component.Add(j);
                    }
            if (component.Count > 1) foreach (int i in component) groups[i] = component.Min();
        }
        return groups;
    }
}
