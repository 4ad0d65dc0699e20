namespace SmoothInfo.Evidence;

/// <summary>Pearson and Spearman correlation of paired samples, as the paper's experiments report them.</summary>
public static class Correlation
{
    public static double Pearson(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count || a.Count < 2) throw new ArgumentException("two paired samples of at least 2 values are needed");
        double ma = a.Average(), mb = b.Average();
        double cov = 0, va = 0, vb = 0;
        for (int i = 0; i < a.Count; i++)
        {
            cov += (a[i] - ma) * (b[i] - mb);
            va += (a[i] - ma) * (a[i] - ma);
            vb += (b[i] - mb) * (b[i] - mb);
        }
        return cov / Math.Sqrt(va * vb);
    }

    /// <summary>Pearson correlation of the ranks (ties get their average rank).</summary>
    public static double Spearman(IReadOnlyList<double> a, IReadOnlyList<double> b) => Pearson(Ranks(a), Ranks(b));

    /// <summary>0-based ranks in ascending order, ties averaged.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            for (int j = start; j <= end; j++) ranks[order[j]] = (start + end) / 2.0;
            start = end + 1;
        }
        return ranks;
    }
}
