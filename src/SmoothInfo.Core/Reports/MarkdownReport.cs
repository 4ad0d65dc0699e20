using System.Text;
using SmoothInfo.Rules;
using SmoothInfo.Rules.Kinds;

namespace SmoothInfo.Reports;

/// <summary>A short summary for a CI job summary or a pull-request comment: verdict, budgets, top findings, groups.</summary>
public static class MarkdownReport
{
    public const int MaxFindingRows = 25;

    public static string Render(GateReport report, string repositoryRoot)
    {
        var md = new StringBuilder();
        var evaluation = report.Evaluation;
        var openFindings = evaluation.OpenFindings;
        int open = openFindings.Count;
        md.AppendLine(report.Passed
            ? $"## SmoothInfo: passed ({report.SampleCount} samples)"
            : $"## SmoothInfo: failed ({open} finding{(open == 1 ? "" : "s")} among {report.SampleCount} samples)");
        md.AppendLine();
        md.AppendLine($"Score: {report.ScoreName} in nats (σ = {NumberText.Format(report.Sigma)}); solver: {report.Solver.Method}" +
            (report.Solver.ConditionNumber is { } c ? $", condition number {c:G3}" : "") +
            (report.Solver.Regularization is { } path ? $", weight decay {NumberText.Format(path.Chosen)} chosen by leave-one-out error" : "") + ".");
        md.AppendLine();
        foreach (var (name, text) in FindingText.Measurements(report)) md.AppendLine($"- {name}: {text}.");
        md.AppendLine();

        var counts = FindingRules.Kinds.Select(kind => (kind, n: openFindings.Count(f => f.Kind == kind)))
            .Where(x => x.n > 0).Select(x => $"{x.n} {x.kind.Name}").ToList();
        int unchanged = evaluation.Findings.Count(f => f.Status == FindingStatus.Unchanged);
        int accepted = evaluation.Findings.Count(f => f.Accepted);
        if (counts.Count > 0 || unchanged > 0 || accepted > 0)
            md.AppendLine($"Findings: {(counts.Count > 0 ? string.Join(", ", counts) : "none open")}" +
                (unchanged > 0 ? $"; {unchanged} on samples unchanged since the baseline (warnings)" : "") +
                (accepted > 0 ? $"; {accepted} accepted by the baseline." : "."));
        foreach (var v in evaluation.Violations) md.AppendLine($"- ❌ {FindingText.Budget(v)}");
        foreach (var e in evaluation.StaleBaselineEntries) md.AppendLine($"- ⚠️ stale baseline entry {e.Locator} ({e.Category}): it no longer matches a finding.");
        md.AppendLine();

        var shown = evaluation.Ordered.Where(f => !f.Accepted).ToList();
        if (shown.Count > 0)
        {
            md.AppendLine("| sample | category | message |");
            md.AppendLine("|---|---|---|");
            foreach (var f in shown.Take(MaxFindingRows))
                md.AppendLine($"| `{Escape(FindingText.Place(f, repositoryRoot))}` | {f.Kind.Name} | {Escape(FindingText.Message(f, report) + FindingText.StatusNote(f))} |");
            if (shown.Count > MaxFindingRows) md.AppendLine($"\n…and {shown.Count - MaxFindingRows} more in the JSON and HTML reports.");
            md.AppendLine();
        }

        if (report.Groups.Count > 0)
        {
            md.AppendLine("| group | samples | findings | median score | mean score |");
            md.AppendLine("|---|---|---|---|---|");
            foreach (var g in report.Groups)
                md.AppendLine($"| {g.Scope} {Escape(g.Group)} | {g.Samples} | {g.Findings} | {NumberText.Format(g.MedianScore)} | {NumberText.Format(g.MeanScore)} |");
        }
        return md.ToString();
    }

    public static void Write(string path, GateReport report, string repositoryRoot) =>
        IO.AtomicFile.WriteAllText(path, Render(report, repositoryRoot));

    private static string Escape(string text) => text.Replace("|", "\\|");
}
