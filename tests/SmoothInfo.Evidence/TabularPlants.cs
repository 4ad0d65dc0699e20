namespace SmoothInfo.Evidence;

/// <summary>One planted problem of the out-of-the-box benchmark: the row, its kind (mislabeled, corrupted, adversarial) and how.</summary>
public sealed record Truth(int Index, string Kind, string Detail);

/// <summary>
/// Planted problems for the small tables and pixel grids served here (sklearn's digits, breast cancer, wine, iris), the
/// truth recorded. Torch-free, so the unit tests compile it in. Label flips are half uniform to another class and half
/// "confusable" (to the class whose mean lies nearest, standardized), because a uniform flip on well-separated classes is
/// easier than the mistakes annotators make. Corrupted inputs: for pixel grids heavy noise, blank or saturated, scrambled
/// pixels; for tables one feature scaled x100 (a unit error) or a row of uniform noise within each feature's range.
/// </summary>
public static class TabularPlants
{
    public sealed record Planted(double[][] Features, int[] Labels, IReadOnlyList<Truth> Truth);

    /// <summary>4% of the rows flipped and 2% corrupted, at least 2 of each (tiny sets would otherwise get 0 or 1).</summary>
    public static (int Flips, int Corrupted) Counts(int rows) =>
        (Math.Max(2, (int)Math.Round(0.04 * rows)), Math.Max(2, (int)Math.Round(0.02 * rows)));

    /// <param name="pixels">Whether the features are pixel intensities (corrupted as images) rather than table columns.</param>
    public static Planted Make(double[][] features, int[] labels, string[] classNames, bool pixels, int seed)
    {
        int classes = classNames.Length;
        var random = new Random(seed);
        var x = features.Select(r => (double[])r.Clone()).ToArray();
        var y = (int[])labels.Clone();
        var (flips, corrupted) = Counts(x.Length);
        var order = Enumerable.Range(0, x.Length).ToArray();
        random.Shuffle(order);
        // Statistics of the clean data, before anything is planted.
        var nearest = NearestClass(features, labels, classes);
        var (min, max) = Range(features);
        double low = min.Min(), high = max.Max();

        var truth = new List<Truth>();
        for (int j = 0; j < flips; j++)
        {
            int i = order[j], original = y[i];
            bool uniform = j < flips / 2;
            y[i] = uniform ? (original + 1 + random.Next(classes - 1)) % classes : nearest[original];
            truth.Add(new Truth(i, "mislabeled", $"{classNames[original]} -> {classNames[y[i]]} ({(uniform ? "uniform" : "confusable: nearest class mean")})"));
        }
        for (int j = 0; j < corrupted; j++)
        {
            int i = order[flips + j];
            string detail = pixels ? CorruptPixels(x[i], j, low, high, random) : CorruptRow(x[i], j, min, max, random);
            truth.Add(new Truth(i, "corrupted", detail));
        }
        return new Planted(x, y, truth.OrderBy(t => t.Index).ToArray());
    }

    /// <summary>For each class, the other class whose mean is nearest in standardized feature space (mean 0, sd 1 per feature).</summary>
    public static int[] NearestClass(double[][] features, int[] labels, int classes)
    {
        int d = features[0].Length;
        var mean = new double[d];
        var sd = new double[d];
        foreach (var r in features) for (int f = 0; f < d; f++) mean[f] += r[f] / features.Length;
        foreach (var r in features) for (int f = 0; f < d; f++) sd[f] += (r[f] - mean[f]) * (r[f] - mean[f]) / features.Length;
        for (int f = 0; f < d; f++) sd[f] = sd[f] > 0 ? Math.Sqrt(sd[f]) : 1;   // constant pixels do not count
        var centers = new double[classes, d];
        var counts = new int[classes];
        for (int i = 0; i < features.Length; i++)
        {
            counts[labels[i]]++;
            for (int f = 0; f < d; f++) centers[labels[i], f] += (features[i][f] - mean[f]) / sd[f];
        }
        var nearest = new int[classes];
        for (int a = 0; a < classes; a++)
        {
            double best = double.PositiveInfinity;
            for (int b = 0; b < classes; b++)
            {
                if (b == a) continue;
                double distance = 0;
                for (int f = 0; f < d; f++)
                {
                    double diff = centers[a, f] / Math.Max(1, counts[a]) - centers[b, f] / Math.Max(1, counts[b]);
                    distance += diff * diff;
                }
                if (distance < best) (best, nearest[a]) = (distance, b);
            }
        }
        return nearest;
    }

    private static (double[] Min, double[] Max) Range(double[][] features)
    {
        int d = features[0].Length;
        var min = Enumerable.Range(0, d).Select(f => features.Min(r => r[f])).ToArray();
        var max = Enumerable.Range(0, d).Select(f => features.Max(r => r[f])).ToArray();
        return (min, max);
    }

    /// <summary>Rotates through heavy noise, blank or saturated (alternately), scrambled; values stay whole numbers in the data's range.</summary>
    private static string CorruptPixels(double[] image, int j, double low, double high, Random random)
    {
        switch (j % 3)
        {
            case 0:
                // The amplitude of the Fashion-MNIST plants (Plants.cs): +-0.8 of the range.
                for (int p = 0; p < image.Length; p++)
                    image[p] = Math.Round(Math.Clamp(image[p] + 0.8 * (high - low) * (random.NextDouble() * 2 - 1), low, high));
                return "heavy uniform noise";
            case 1:
                bool blank = j / 3 % 2 == 0;
                Array.Fill(image, blank ? low : high);
                return blank ? "blank" : "saturated";
            default:
                var copy = (double[])image.Clone();
                var permutation = Enumerable.Range(0, image.Length).ToArray();
                random.Shuffle(permutation);
                for (int p = 0; p < image.Length; p++) image[p] = copy[permutation[p]];
                return "pixels scrambled";
        }
    }

    /// <summary>Alternates a unit error (one feature x100) and a row of noise (each feature uniform in its clean range).</summary>
    private static string CorruptRow(double[] row, int j, double[] min, double[] max, Random random)
    {
        if (j % 2 == 0)
        {
            // A zero would stay zero: pick among the features that hold a value.
            var candidates = Enumerable.Range(0, row.Length).Where(f => row[f] != 0).ToArray();
            int f = candidates.Length > 0 ? candidates[random.Next(candidates.Length)] : random.Next(row.Length);
            row[f] = row[f] != 0 ? row[f] * 100 : 100 * Math.Max(1, max[f]);
            return $"feature f{f} scaled x100";
        }
        for (int f = 0; f < row.Length; f++) row[f] = min[f] + random.NextDouble() * (max[f] - min[f]);
        return "noise row (each feature uniform in its range)";
    }
}
