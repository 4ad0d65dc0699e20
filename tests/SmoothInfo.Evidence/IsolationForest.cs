namespace SmoothInfo.Evidence;

/// <summary>
/// Isolation forest (Liu, Ting and Zhou 2008), the usual label-free peer for corrupted inputs, written from the paper:
/// each tree isolates a random subsample of psi rows by random splits (a random feature, a threshold uniform between its
/// minimum and maximum in the node) up to height ceil(log2 psi); the anomaly score is 2^(-E[h(x)] / c(psi)), where h is
/// the path length plus c(size) at an external node still holding rows. Near 1: isolated quickly, an outlier; sklearn's
/// "auto" contamination calls a row an outlier above 0.5. Torch-free, so the unit tests compile it in.
/// </summary>
public static class IsolationForest
{
    private sealed record Node(int Feature, double Threshold, Node? Left, Node? Right, int Size);

    public static double[] Scores(double[][] rows, int trees = 100, int subsample = 256, int seed = 0)
    {
        var random = new Random(seed);
        int psi = Math.Min(subsample, rows.Length);
        int heightLimit = (int)Math.Ceiling(Math.Log2(Math.Max(2, psi)));
        var forest = new List<Node>();
        for (int t = 0; t < trees; t++)
        {
            var sample = Enumerable.Range(0, rows.Length).ToArray();
            random.Shuffle(sample);   // sampling without replacement, as the paper
            forest.Add(Grow(rows, sample[..psi], 0, heightLimit, random));
        }
        double normalizer = AveragePathLength(psi);
        return rows.Select(x => Math.Pow(2, -forest.Average(tree => PathLength(tree, x, 0)) / normalizer)).ToArray();
    }

    /// <summary>c(n): the average path length of an unsuccessful search in a binary search tree of n rows.</summary>
    public static double AveragePathLength(int n) =>
        n <= 1 ? 0 : n == 2 ? 1 : 2 * (Math.Log(n - 1) + 0.5772156649015329) - 2.0 * (n - 1) / n;

    private static Node Grow(double[][] rows, int[] members, int height, int heightLimit, Random random)
    {
        if (height >= heightLimit || members.Length <= 1) return new Node(-1, 0, null, null, members.Length);
        // A random feature among those that still vary in the node (a constant one cannot split): by rejection, which is
        // uniform over them and cheap on images whose border pixels are constant, else from the full list.
        bool Varies(int f) => members.Any(i => rows[i][f] != rows[members[0]][f]);
        int feature = -1;
        for (int attempt = 0; attempt < 32 && feature < 0; attempt++)
        {
            int f = random.Next(rows[0].Length);
            if (Varies(f)) feature = f;
        }
        if (feature < 0)
        {
            var varying = Enumerable.Range(0, rows[0].Length).Where(Varies).ToArray();
            if (varying.Length == 0) return new Node(-1, 0, null, null, members.Length);
            feature = varying[random.Next(varying.Length)];
        }
        double min = members.Min(i => rows[i][feature]), max = members.Max(i => rows[i][feature]);
        double threshold = min + random.NextDouble() * (max - min);
        var left = members.Where(i => rows[i][feature] < threshold).ToArray();
        var right = members.Where(i => rows[i][feature] >= threshold).ToArray();
        return new Node(feature, threshold, Grow(rows, left, height + 1, heightLimit, random), Grow(rows, right, height + 1, heightLimit, random), members.Length);
    }

    private static double PathLength(Node node, double[] x, int depth) =>
        node.Left is null ? depth + AveragePathLength(node.Size)
            : PathLength(x[node.Feature] < node.Threshold ? node.Left : node.Right!, x, depth + 1);
}
