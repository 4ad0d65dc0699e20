using System.Net;
using System.Text;
using SmoothInfo.Estimation;
using SmoothInfo.Rules;
using SmoothInfo.Rules.Kinds;

namespace SmoothInfo.Reports.Html;

/// <summary>
/// One self-contained HTML page: the verdict, the score histogram with the rules' thresholds, SI per class and per
/// source, every finding with its thumbnail, message and fix, and the most and least informative samples (the
/// paper's dataset summary). Inline CSS and SVG only: it opens offline, in CI artifacts and in mail.
/// </summary>
public static class HtmlReport
{
    public const int MaxFindingRows = 200;

    public static void Write(string path, GateReport report, string repositoryRoot) =>
        IO.AtomicFile.WriteAllText(path, Render(report, repositoryRoot));

    public static string Render(GateReport report, string repositoryRoot)
    {
        var evaluation = report.Evaluation;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>SmoothInfo report</title><style>")
            .Append(Style).Append("</style></head><body>");
        int open = evaluation.OpenFindings.Count;
        int unchanged = evaluation.Findings.Count(f => f.Status == FindingStatus.Unchanged);
        html.Append($"<header class=\"{(report.Passed ? "passed" : "failed")}\"><h1>SmoothInfo: {(report.Passed ? "passed" : "failed")}</h1>")
            .Append($"<p>{report.SampleCount} samples of {E(SarifReport.RelativeUri(report.DatasetPath, repositoryRoot))}, " +
                    $"{open} open finding{(open == 1 ? "" : "s")}, " + (unchanged > 0 ? $"{unchanged} on samples unchanged since the baseline (warnings), " : "") +
                    $"{evaluation.Findings.Count - open - unchanged} accepted by the baseline.</p></header>");

        html.Append("<section><dl>")
            .Append($"<dt>Score</dt><dd>{E(report.ScoreName)} in nats (σ = {NumberText.Format(report.Sigma)})</dd>")
            .Append($"<dt>Solver</dt><dd>{E(report.Solver.Method)}: {E(report.Solver.Reason)}</dd>")
            .Append(report.Solver.Regularization is { } chosen ? $"<dt>Weight decay</dt><dd>{NumberText.Format(chosen.Chosen)}, chosen by {RegularizationPath.Criterion}</dd>" : "")
            .Append(string.Concat(FindingText.Measurements(report).Select(m => $"<dt>{E(m.Name)}</dt><dd>{E(m.Text)}</dd>")))
            .Append($"<dt>Condition number</dt><dd>{(report.Solver.ConditionNumber is { } c ? NumberText.Format(c) : "not computed")}</dd>")
            .Append($"<dt>Median score</dt><dd>{NumberText.Format(evaluation.Scores.Median)} nats</dd>")
            .Append($"<dt>Policy</dt><dd>{E(SarifReport.RelativeUri(report.PolicyFile, repositoryRoot))}</dd></dl>");
        foreach (var v in evaluation.Violations) html.Append($"<p class=\"bad\">{E(FindingText.Budget(v))}</p>");
        foreach (var e in evaluation.StaleBaselineEntries)
            html.Append($"<p class=\"warn\">Stale baseline entry {E(e.Locator)} ({E(e.Category)}): it no longer matches a finding.</p>");
        html.Append("</section>");

        html.Append($"<section><h2>Per-sample score: {E(report.ScoreName)}</h2>")
            .Append(SvgCharts.Histogram(report.Signals.Select(s => s.Score).ToList(),
                evaluation.Cutoffs.Select(kv => (kv.Key.Name, kv.Value, kv.Key.Colour)).ToList()))
            .Append("<p class=\"note\">Samples to the right of a dashed line pass that category's threshold; which category a sample " +
                    "falls in depends on what the model trained without it predicts.</p></section>");

        if (report.Solver.Regularization is { } path)
            html.Append("<section><h2>Weight decay chosen by leave-one-out</h2>")
                .Append(SvgCharts.Curve("Leave-one-out error of the linearized model against the weight decay", path.WeightDecays,
                    path.LeaveOneOutErrors, path.Chosen, "weight decay", "mean squared leave-one-out error"))
                .Append($"<p class=\"note\">Every point is the exact leave-one-out error at that weight decay, all from one " +
                        $"eigendecomposition; the least ({NumberText.Format(path.Chosen)}) is used.</p></section>");

        var distances = report.Signals.Select(s => s.InputResidual).Where(d => !double.IsNaN(d)).ToList();
        if (distances.Count > 0)
            html.Append("<section><h2>Input distance from the data's principal subspace</h2>")
                .Append(SvgCharts.Histogram(distances,
                    evaluation.InputCutoff is { } cutoff ? new[] { ("input outlier", cutoff, ScoreKind.Corrupted.Colour) } : Array.Empty<(string, double, string)>(),
                    quantity: $"the inputs' distance from the subspace that holds {PrincipalSubspaceResidual.VarianceFraction * 100:F0}% of the variance", unit: ""))
                .Append("<p class=\"note\">Inputs right of the line are findings whatever their label: corrupted, or atypical when the model " +
                        "trained without them confidently predicts their label. Inputs exactly in the subspace (distance 0) are not drawn.</p></section>");

        foreach (var scope in new[] { "class", "source" })
        {
            var groups = report.Groups.Where(g => g.Scope == scope).ToList();
            if (groups.Count == 0) continue;
            double overall = evaluation.Scores.Median;
            html.Append($"<section><h2>Median score per {scope}</h2>")
                .Append(SvgCharts.Bars($"Median score per {scope}", groups.Select(g => (g.Group, g.MedianScore,
                    $"{NumberText.Format(g.MedianScore)} nats, {g.Samples} samples, {g.Findings} findings", g.MedianScore > 2 * overall)).ToList()))
                .Append($"<p class=\"note\">Red: a {scope} whose median is more than twice the dataset's ({NumberText.Format(overall)} nats): " +
                        "its samples are unusually informative, as under-represented classes and noisy sources are.</p></section>");
        }

        var findings = evaluation.Ordered;
        html.Append($"<section><h2>Findings ({findings.Count})</h2>");
        if (findings.Count == 0) html.Append("<p>None.</p>");
        else
        {
            html.Append("<table><thead><tr><th></th><th>Sample</th><th>Category</th><th>Message</th><th>Fix</th></tr></thead><tbody>");
            foreach (var f in findings.Take(MaxFindingRows))
                html.Append($"<tr class=\"{(f.Open ? "" : "accepted")}\"><td>{Thumb(report, f.SampleIndex)}</td>" +
                            $"<td><code>{E(FindingText.Place(f, repositoryRoot))}</code></td>" +
                            $"<td><span class=\"tag\" style=\"background:{f.Kind.Colour}\">{E(f.Kind.Name)}</span>{f.Status switch { FindingStatus.Accepted => " accepted", FindingStatus.Unchanged => " unchanged", _ => "" }}</td>" +
                            $"<td>{E(FindingText.Message(f, report))}</td><td>{E(f.Kind.Fix)}</td></tr>");
            html.Append("</tbody></table>");
            if (findings.Count > MaxFindingRows) html.Append($"<p>…and {findings.Count - MaxFindingRows} more in the JSON report.</p>");
        }
        html.Append("</section>");

        html.Append("<section><h2>Most informative samples</h2>").Append(Grid(report, DatasetSummary.MostInformative(report.Signals))).Append("</section>");
        html.Append("<section><h2>Least informative samples</h2>")
            .Append(Grid(report, DatasetSummary.LeastInformative(report.Signals)))
            .Append("<p class=\"note\">These carry the least unique information: the rest of the data already says what they say " +
                    "(candidates for summarizing the dataset).</p></section>");
        html.Append("</body></html>");
        return html.ToString();
    }

    private static string Grid(GateReport report, IEnumerable<SampleSignals> samples)
    {
        var grid = new StringBuilder("<div class=\"grid\">");
        foreach (var s in samples)
            grid.Append($"<figure>{Thumb(report, s.Index)}<figcaption>#{s.Index} {E(report.ClassNames[s.Label])}<br>" +
                        $"{E(double.IsNaN(s.FunctionalSI) ? s.InformativenessName : FindingText.FunctionalSIName(report.Solver))} {NumberText.Format(s.Informativeness)} nats</figcaption></figure>");
        return grid.Append("</div>").ToString();
    }

    private static string Thumb(GateReport report, int index) =>
        report.ThumbnailsOrEmpty.TryGetValue(index, out var uri) ? $"<img src=\"{uri}\" alt=\"sample {index}\">" : "";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private const string Style =
        "body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}" +
        "header{padding:18px 28px;color:#fff}header.passed{background:#2e7d32}header.failed{background:#c62828}" +
        "header h1{margin:0 0 4px;font-size:24px}header p{margin:0}" +
        "section{background:#fff;margin:16px 28px;padding:12px 20px;border-radius:6px;box-shadow:0 1px 3px #0002}" +
        "h2{font-size:17px;margin:6px 0 10px}dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}dt{color:#666}dd{margin:0}" +
        "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eee;vertical-align:middle}" +
        "tr.accepted{opacity:.55}.tag{color:#fff;border-radius:3px;padding:1px 6px;font-size:12px;white-space:nowrap}" +
        "img{width:42px;height:42px;image-rendering:pixelated;border:1px solid #ddd}.grid{display:flex;flex-wrap:wrap;gap:10px}" +
        "figure{margin:0;text-align:center;font-size:12px}figure img{width:56px;height:56px}" +
        ".bad{color:#c62828;font-weight:600}.warn{color:#b26a00}.note{color:#666;font-size:12px}code{font-size:12px}";
}
