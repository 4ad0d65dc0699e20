using System.Globalization;
using System.Text;

namespace SmoothInfo.Evidence;

/// <summary>The out-of-the-box benchmark as Markdown: per set a row per method and the gate's category confusion matrix, then means per dataset.</summary>
public static class OutOfBoxReport
{
    private const string Header =
        "| method | AUROC flip | AUROC corrupted | AUROC poison | AUROC any | findings | precision | recall | best precision at recall .9 | seconds |\n" +
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";

    private static readonly string[] TruthKinds = { "mislabeled", "corrupted", "adversarial" };

    public static string Markdown(IReadOnlyList<SetResult> results)
    {
        var text = new StringBuilder("# Out-of-the-box detection benchmark\n\n");
        text.Append("AUROC: each planted kind against the clean samples (poison: PGD, Fashion-MNIST only; - where a set has none). ")
            .Append("Findings: the gate's findings; the cleanlab recipe's prune-by-noise-rate set; isolation-forest scores above 0.5. ")
            .Append("Precision and recall count every planted kind together; the best precision at recall .9 is the best any threshold on the method's score reaches. ")
            .Append("The reference (Fashion-MNIST only) is not a peer: an MLP trained on the 68,000 Fashion-MNIST images the set does not hold, true labels, ")
            .Append("scoring 1 - p[label] and flagging where its top class is not the label: a yardstick for what label disagreement can reach on these images.\n\n");
        foreach (var r in results)
        {
            var s = r.Set;
            var counts = TruthKinds.Select(k => (k, n: s.Truth.Count(t => t.Kind == k))).Where(c => c.n > 0).Select(c => $"{c.n} {c.k}");
            text.Append($"## {s.Dataset}, seed {s.Seed}\n\n{s.Labels.Length} samples, {s.Classes} classes; planted {string.Join(", ", counts)}. ")
                .Append($"Gate ranking score: `{r.GateScoreField}`; cleanlab heads: at most {r.CleanlabIterations} L-BFGS iterations per fold.\n\n").Append(Header);
            foreach (var m in r.Methods) text.Append(Row(m.Method, m)).Append('\n');
            text.Append('\n').Append(Confusion(r)).Append('\n');
        }

        text.Append("## Summary (mean over seeds)\n\n").Append(Header.Replace("| method |", "| dataset | method |").Replace("|---|", "|---|---|"));
        foreach (var dataset in results.GroupBy(r => r.Set.Dataset))
            foreach (var method in dataset.SelectMany(r => r.Methods).GroupBy(m => m.Method))
            {
                var m = method.ToArray();
                var mean = new MethodResult(method.Key, Mean(m, x => x.AurocFlip), Mean(m, x => x.AurocCorrupted), Mean(m, x => x.AurocPoison),
                    Mean(m, x => x.AurocAny), 0, Mean(m, x => x.Precision), Mean(m, x => x.Recall), Mean(m, x => x.Seconds), Mean(m, x => x.PrecisionAtRecall90));
                text.Append($"| {dataset.Key} ").Append(Row(method.Key, mean, m.Average(x => x.Findings))).Append('\n');
            }
        return text.ToString();
    }

    private static string Row(string method, MethodResult m, double? findings = null) =>
        $"| {method} | {F(m.AurocFlip, "F3")} | {F(m.AurocCorrupted, "F3")} | {F(m.AurocPoison, "F3")} | {F(m.AurocAny, "F3")} | " +
        $"{F(findings ?? m.Findings, findings is null ? "F0" : "F1")} | {F(m.Precision, "F2")} | {F(m.Recall, "F2")} | {F(m.PrecisionAtRecall90, "F2")} | {F(m.Seconds, "F1")} |";

    /// <summary>The gate's finding categories (rows, "none" for unflagged samples) against the truth (columns, clean included).</summary>
    private static string Confusion(SetResult r)
    {
        var kinds = r.Set.Kinds();
        var columns = new[] { "clean" }.Concat(TruthKinds.Where(k => kinds.Contains(k))).ToArray();
        var rows = r.GateFindings.Where(f => f is not null).Select(f => f!).Distinct().Order(StringComparer.Ordinal).Append("none").ToArray();
        var text = new StringBuilder($"Gate findings (rows) by truth (columns):\n\n| finding \\ truth | {string.Join(" | ", columns)} |\n|---|{string.Concat(columns.Select(_ => "---:|"))}\n");
        foreach (string row in rows)
        {
            var cells = columns.Select(c => Enumerable.Range(0, kinds.Length).Count(i => (r.GateFindings[i] ?? "none") == row && (kinds[i] ?? "clean") == c));
            text.Append($"| {row} | {string.Join(" | ", cells)} |\n");
        }
        return text.ToString();
    }

    /// <summary>Mean over the seeds that define the value (a kind a set lacks stays out).</summary>
    private static double Mean(IEnumerable<MethodResult> results, Func<MethodResult, double> value)
    {
        var values = results.Select(value).Where(v => !double.IsNaN(v)).ToArray();
        return values.Length == 0 ? double.NaN : values.Average();
    }

    private static string F(double value, string format) => double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);
}
