namespace SmoothInfo.Evidence;

/// <summary>Area under the ROC curve: the probability that a positive scores above a negative (ties count half).</summary>
public static class Auroc
{
    /// <param name="included">Which samples take part (null: all); per-kind AUROCs leave the other kinds out.</param>
    public static double Of(IReadOnlyList<double> scores, IReadOnlyList<bool> positive, IReadOnlyList<bool>? included = null)
    {
        var members = Enumerable.Range(0, scores.Count).Where(i => included?[i] ?? true).ToArray();
        var order = members.OrderBy(i => scores[i]).ToArray();
        // Mann-Whitney U from average ranks.
        var ranks = new Dictionary<int, double>();
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]]) end++;
            for (int j = start; j <= end; j++) ranks[order[j]] = (start + end) / 2.0 + 1;
            start = end + 1;
        }
        long positives = members.Count(i => positive[i]), negatives = members.Length - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        double rankSum = members.Where(i => positive[i]).Sum(i => ranks[i]);
        return (rankSum - positives * (positives + 1) / 2.0) / (positives * (double)negatives);
    }

    /// <summary>The ROC curve of planted problems of one kind against clean samples (kind null: all kinds): (FPR, TPR) per distinct score.</summary>
    public static IReadOnlyList<(double X, double Y)> Curve(IReadOnlyList<double> scores, IReadOnlyList<string?> kinds, string? kind)
    {
        var members = Enumerable.Range(0, scores.Count).Where(i => kinds[i] is null || kind is null || kinds[i] == kind)
            .OrderByDescending(i => scores[i]).ToArray();
        double positives = members.Count(i => kinds[i] is not null), negatives = members.Length - positives;
        var curve = new List<(double, double)> { (0, 0) };
        int truePositives = 0, falsePositives = 0;
        for (int j = 0; j < members.Length; j++)
        {
            if (kinds[members[j]] is null) falsePositives++; else truePositives++;
            if (j + 1 == members.Length || scores[members[j + 1]] != scores[members[j]])
                curve.Add((falsePositives / negatives, truePositives / positives));
        }
        return curve;
    }

    /// <summary>
    /// The precision of the best threshold on the score that finds at least <paramref name="recall"/> of the planted problems
    /// (all kinds together): what the ranking allows, whatever a method's own flagging rule. Tied scores are taken together.
    /// </summary>
    public static double PrecisionAtRecall(IReadOnlyList<double> scores, IReadOnlyList<string?> kinds, double recall)
    {
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        double positives = kinds.Count(k => k is not null);
        if (positives == 0) return double.NaN;
        int truePositives = 0;
        double best = double.NaN;
        for (int j = 0; j < order.Length; j++)
        {
            if (kinds[order[j]] is not null) truePositives++;
            bool thresholdEnds = j + 1 == order.Length || scores[order[j + 1]] != scores[order[j]];
            if (thresholdEnds && truePositives >= recall * positives && !(truePositives / (j + 1.0) <= best)) best = truePositives / (j + 1.0);
        }
        return best;
    }

    /// <summary>AUROC of planted problems of one kind against clean samples only (kind null: all planted kinds against clean).</summary>
    public static double OfKind(IReadOnlyList<double> scores, IReadOnlyList<string?> kinds, string? kind) =>
        Of(scores, kinds.Select(k => kind is null ? k is not null : k == kind).ToArray(), kind is null ? null : kinds.Select(k => k is null || k == kind).ToArray());
}
