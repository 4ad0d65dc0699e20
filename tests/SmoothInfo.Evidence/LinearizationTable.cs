namespace SmoothInfo.Evidence;

/// <summary>One regime of a linearization run: the real changes from retraining beside the linearized estimates.</summary>
public sealed record LinearizationRow(string Regime, LeaveOneOutChanges Real, LeaveOneOutChanges Estimate, string Note);

/// <summary>The table and charts of linearized leave-one-out against real retraining (docs/estimator.md, docs/paper.md).</summary>
public static class LinearizationTable
{
    public static void Print(IReadOnlyList<LinearizationRow> rows)
    {
        Console.WriteLine();
        Console.WriteLine("| regime | weight change Pearson | Spearman | max rel. error | test prediction change Pearson | Spearman | max rel. error |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            var (w, p) = (Compare(row.Real.Weight, row.Estimate.Weight), Compare(row.Real.Prediction, row.Estimate.Prediction));
            Console.WriteLine($"| {row.Regime} | {w.Pearson:F4} | {w.Spearman:F4} | {w.MaxRelativeError:G3} | {p.Pearson:F4} | {p.Spearman:F4} | {p.MaxRelativeError:G3} |");
        }
        foreach (var row in rows) Console.WriteLine($"{row.Regime}: {row.Note}");
    }

    /// <summary>Real against estimated weight change and held-out prediction change, log-log, one series per regime.</summary>
    public static void Plot(string prefix, IReadOnlyList<LinearizationRow> rows)
    {
        Plots.Write($"{prefix}-weight.svg", "Weight change without each sample: real retraining vs linearized estimate", "real ||w - w_-i||^2",
            "estimated", rows.Select(r => new Series(r.Regime, r.Real.Weight.Zip(r.Estimate.Weight).ToList(), Lines: false)).ToList(),
            logX: true, logY: true, diagonal: true);
        Plots.Write($"{prefix}-prediction.svg", "Held-out prediction change: real retraining vs linearized estimate", "real mean ||f - f_-i||^2",
            "estimated", rows.Select(r => new Series(r.Regime, r.Real.Prediction.Zip(r.Estimate.Prediction).ToList(), Lines: false)).ToList(),
            logX: true, logY: true, diagonal: true);
    }

    /// <summary>The median real weight change of the flipped samples against the clean ones, among the first leftOut.</summary>
    public static string FlippedAgainstClean(LeaveOneOutChanges real, IReadOnlySet<int> flipped, int leftOut) =>
        $"median real weight change flipped {Median(real.Weight, flipped)} vs clean {Median(real.Weight, Enumerable.Range(0, leftOut).Except(flipped))}";

    /// <summary>Median of the chosen entries (upper median for an even count).</summary>
    public static string Median(double[] values, IEnumerable<int> indices)
    {
        var chosen = indices.Select(i => values[i]).Order().ToArray();
        return chosen[chosen.Length / 2].ToString("G3");
    }

    private static (double Pearson, double Spearman, double MaxRelativeError) Compare(double[] real, double[] estimate) =>
        (Correlation.Pearson(real, estimate), Correlation.Spearman(real, estimate), real.Zip(estimate, (u, v) => Math.Abs(u - v) / Math.Abs(u)).Max());
}
