using System.Numerics;

namespace SmoothInfo.Data;

/// <summary>
/// Per sample, the lowest index of the samples whose inputs are identical or nearly identical to its own (itself
/// included; null when it has none), and the distance "nearly" meant on this dataset.
/// </summary>
public sealed record DuplicateGroups(IReadOnlyList<int?> Groups, double NearDistance);

/// <summary>
/// Samples whose inputs are the same, whatever their labels. Identical: the same content hash (the bytes as read).
/// Near: preprocessed features within <see cref="NearFraction"/> of the dataset's typical nearest-neighbour distance
/// (Euclidean, float64). Groups are the connected components of both relations. Exact and deterministic: candidate
/// pairs come from a sweep over the features sorted by their projection on one of 32 seeded orthonormal directions
/// (the one they spread most on), pruned by the distance in all 32 (never more than the true distance, so no pair within reach is missed), and every pair
/// is then checked by its full distance.
/// </summary>
public static class DuplicateInputs
{
    /// <summary>
    /// Near: ten times closer than a typical sample is to its closest different sample (docs/rules-and-reports.md).
    /// </summary>
    public const double NearFraction = 0.1;

    /// <summary>Evenly spaced samples whose nearest-neighbour distances (brute force) give the typical one.</summary>
    public const int TypicalDistanceSamples = 128;

    /// <summary>
    /// Enough that in high dimensions the projected distance of two unrelated inputs (about sqrt(k/d) of the true one)
    /// exceeds the near distance, so few pairs reach the full check (docs/rules-and-reports.md has the cost).
    /// </summary>
    private const int Directions = 32;
    private const int DirectionSeed = 15;

    /// <summary>
    /// Above this many feature values (256 MB of float32) only exact duplicates are looked for: the near search needs the
    /// features in memory, and a streamed dataset (a memory-mapped NPY of a million embeddings) must not be copied whole.
    /// </summary>
    public const long NearSearchValues = 64L << 20;

    public static DuplicateGroups Find(Dataset dataset)
    {
        long values = (long)dataset.Count * dataset.FeatureCount;
        if (values > NearSearchValues) return Find(null, dataset.Count, dataset.FeatureCount, dataset.ContentHashes);
        var features = new float[values];
        dataset.CopyFeatures(0, dataset.Count, features);
        return Find(features, dataset.Count, dataset.FeatureCount, dataset.ContentHashes);
    }

    /// <param name="features">count × dimensions, row-major, preprocessed; null: exact duplicates only.</param>
    public static DuplicateGroups Find(ReadOnlyMemory<float>? features, int count, int dimensions, IReadOnlyList<string> contentHashes)
    {
        var components = new Components(count);
        foreach (var same in Enumerable.Range(0, count).GroupBy(i => contentHashes[i], StringComparer.Ordinal))
            foreach (int i in same.Skip(1)) components.Join(same.First(), i);

        double near = 0;
        if (features is { } rows)
        {
            near = NearFraction * TypicalNearestNeighbourDistance(rows.Span, count, dimensions);
            JoinNearPairs(rows.Span, count, dimensions, near, components);
        }

        var size = new int[count];
        for (int i = 0; i < count; i++) size[components.Root(i)]++;
        return new DuplicateGroups(Enumerable.Range(0, count).Select(i => size[components.Root(i)] > 1 ? components.Root(i) : (int?)null).ToList(), near);
    }

    /// <summary>
    /// The median, over <see cref="TypicalDistanceSamples"/> evenly spaced samples, of the distance to the nearest sample
    /// whose features differ (duplicates would make it 0); 0 when every sample's features are the same.
    /// </summary>
    public static double TypicalNearestNeighbourDistance(ReadOnlySpan<float> features, int count, int dimensions)
    {
        int probes = Math.Min(count, TypicalDistanceSamples);
        var nearest = new List<double>(probes);
        for (int k = 0; k < probes; k++)
        {
            int i = (int)((long)k * count / probes);
            double best = double.PositiveInfinity;
            for (int j = 0; j < count; j++)
            {
                double d2 = SquaredDistance(features, dimensions, i, j);
                if (d2 > 0 && d2 < best) best = d2;
            }
            if (double.IsFinite(best)) nearest.Add(Math.Sqrt(best));
        }
        if (nearest.Count == 0) return 0;
        nearest.Sort();
        int mid = nearest.Count / 2;
        return nearest.Count % 2 == 1 ? nearest[mid] : (nearest[mid - 1] + nearest[mid]) / 2;
    }

    public static double SquaredDistance(ReadOnlySpan<float> features, int dimensions, int i, int j)
    {
        var a = features.Slice(i * dimensions, dimensions);
        var b = features.Slice(j * dimensions, dimensions);
        double sum = 0;
        for (int t = 0; t < dimensions; t++)
        {
            double diff = (double)a[t] - b[t];
            sum += diff * diff;
        }
        return sum;
    }

    private static void JoinNearPairs(ReadOnlySpan<float> features, int count, int dimensions, double near, Components components)
    {
        int k = Math.Min(Directions, dimensions);
        var projections = Project(features, count, dimensions, OrthonormalDirections(k, dimensions));
        // Rounding in the projections (relative 1e-16 of a row's norm, at most max|x| sqrt(d)) is far below this
        // allowance; it keeps the pruning from dropping a pair exactly at the distance.
        double largest = 0;
        foreach (float v in features) largest = Math.Max(largest, Math.Abs((double)v));
        double reach = near + 1e-9 * largest * Math.Sqrt(dimensions);
        // The sweep runs along the direction the inputs spread most on: the fewer pairs within reach on it, the better.
        int sweep = Enumerable.Range(0, k).MaxBy(c => Spread(projections, count, k, c));
        var order = Enumerable.Range(0, count).OrderBy(i => projections[i * k + sweep]).ThenBy(i => i).ToArray();
        for (int a = 0; a < count; a++)
        {
            int i = order[a];
            for (int b = a + 1; b < count && projections[order[b] * k + sweep] - projections[i * k + sweep] <= reach; b++)
            {
                int j = order[b];
                if (components.Root(i) == components.Root(j)) continue;
                if (ProjectedSquaredDistance(projections.AsSpan(i * k, k), projections.AsSpan(j * k, k)) <= reach * reach
                    && SquaredDistance(features, dimensions, i, j) <= near * near) components.Join(i, j);
            }
        }
    }

    /// <summary>The squared distance of two inputs in the projected space; vectorized, as every candidate pair pays it.</summary>
    private static double ProjectedSquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = Vector<double>.Zero;
        int c = 0;
        for (; c + Vector<double>.Count <= a.Length; c += Vector<double>.Count)
        {
            var diff = new Vector<double>(a[c..]) - new Vector<double>(b[c..]);
            sum += diff * diff;
        }
        double total = Vector.Sum(sum);
        for (; c < a.Length; c++) total += (a[c] - b[c]) * (a[c] - b[c]);
        return total;
    }

    /// <summary>The variance of the inputs' projections on direction c.</summary>
    private static double Spread(double[] projections, int count, int k, int c)
    {
        double mean = 0, square = 0;
        for (int i = 0; i < count; i++) mean += projections[i * k + c];
        mean /= count;
        for (int i = 0; i < count; i++) square += (projections[i * k + c] - mean) * (projections[i * k + c] - mean);
        return square / count;
    }

    /// <summary>count × k projections onto the directions, float64.</summary>
    private static double[] Project(ReadOnlySpan<float> features, int count, int dimensions, double[][] directions)
    {
        int k = directions.Length;
        var projections = new double[count * k];
        for (int i = 0; i < count; i++)
        {
            var row = features.Slice(i * dimensions, dimensions);
            for (int c = 0; c < k; c++)
            {
                double sum = 0;
                var u = directions[c];
                for (int t = 0; t < dimensions; t++) sum += row[t] * u[t];
                projections[i * k + c] = sum;
            }
        }
        return projections;
    }

    /// <summary>k seeded Gaussian directions, orthonormalized (Gram-Schmidt, twice for accuracy).</summary>
    private static double[][] OrthonormalDirections(int k, int dimensions)
    {
        var random = new Random(DirectionSeed);
        var directions = new double[k][];
        for (int c = 0; c < k; c++)
        {
            var u = new double[dimensions];
            for (int t = 0; t < dimensions; t++)
                u[t] = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            for (int pass = 0; pass < 2; pass++)
                for (int p = 0; p < c; p++)
                {
                    double dot = 0;
                    for (int t = 0; t < dimensions; t++) dot += u[t] * directions[p][t];
                    for (int t = 0; t < dimensions; t++) u[t] -= dot * directions[p][t];
                }
            double norm = Math.Sqrt(u.Sum(v => v * v));
            for (int t = 0; t < dimensions; t++) u[t] /= norm;
            directions[c] = u;
        }
        return directions;
    }

    /// <summary>Union-find whose root is always the lowest index of its component (so groups are named deterministically).</summary>
    private sealed class Components
    {
        private readonly int[] _parent;

        public Components(int count) => _parent = Enumerable.Range(0, count).ToArray();

        public int Root(int i)
        {
            while (_parent[i] != i) i = _parent[i] = _parent[_parent[i]];
            return i;
        }

        public void Join(int i, int j)
        {
            int a = Root(i), b = Root(j);
            if (a < b) _parent[b] = a; else if (b < a) _parent[a] = b;
        }
    }
}
