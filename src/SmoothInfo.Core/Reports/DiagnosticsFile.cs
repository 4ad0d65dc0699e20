using System.Text.Json;
using SmoothInfo.Diagnostics;
using SmoothInfo.IO;
using SmoothInfo.Rules;

namespace SmoothInfo.Reports;

/// <summary>
/// What the build shows (the contract with the MSBuild task, docs/msbuild.md): one diagnostic per finding at the
/// file and line that hold the sample, budget violations at the policy, stale baseline entries at the baseline.
/// Open findings are errors when the gate fails and warnings when they stay within budget; findings on samples the
/// baseline's snapshot holds unchanged are warnings; accepted findings are messages. At most <see cref="DefaultCap"/> findings are listed, then one summary line.
/// </summary>
public static class DiagnosticsFile
{
    public const int SchemaVersion = 1;
    public const int DefaultCap = 100;

    public sealed record Diagnostic(string Severity, string Code, string Message, string File, int Line, int Column);

    public static IReadOnlyList<Diagnostic> From(GateReport report, string? baselineFile, int cap = DefaultCap)
    {
        var evaluation = report.Evaluation;
        string open = report.Passed ? "warning" : "error";
        var list = new List<Diagnostic>();
        var ordered = evaluation.Ordered;
        foreach (var f in ordered.Take(cap))
            list.Add(new Diagnostic(f.Status switch { FindingStatus.Accepted => "message", FindingStatus.Unchanged => "warning", _ => open },
                f.Kind.Code, $"{FindingText.Message(f, report)} Fix: {f.Kind.Fix}.{FindingText.StatusNote(f)}",
                f.Locator.File, f.Locator.Line, f.Locator.Line > 0 ? 1 : 0));
        if (ordered.Count > cap)
            list.Add(new Diagnostic("message", ErrorCodes.FindingsNotListed,
                $"{(ordered.Count - cap == 1 ? "1 more finding is" : $"{ordered.Count - cap} more findings are")} not listed here; see the HTML or JSON report.",
                report.PolicyFile, 0, 0));
        foreach (var v in evaluation.Violations)
            list.Add(new Diagnostic("error", ErrorCodes.BudgetExceeded, FindingText.Budget(v) + " Fix: resolve the findings above, or raise the budget in 'rules.budgets'.",
                report.PolicyFile, 0, 0));
        foreach (var e in evaluation.StaleBaselineEntries)
            list.Add(new Diagnostic("warning", ErrorCodes.StaleBaselineEntry, $"baseline entry {e.Locator} ({e.Category}) no longer matches a finding. " +
                "Fix: regenerate the baseline with `smoothinfo baseline`.", baselineFile ?? report.PolicyFile, 0, 0));
        return list;
    }

    public static void Write(string path, GateReport report, string? baselineFile, int cap = DefaultCap) => JsonFile.Write(path, json =>
    {
        var diagnostics = From(report, baselineFile, cap);
        int open = report.Evaluation.OpenFindings.Count;
        json.WriteStartObject();
        json.WriteNumber("schemaVersion", SchemaVersion);
        json.WriteString("outcome", report.Passed ? "passed" : "failed");
        json.WriteString("summary", $"{open} open finding{(open == 1 ? "" : "s")} " +
            $"among {report.SampleCount} samples, {report.Evaluation.Violations.Count} budget violation{(report.Evaluation.Violations.Count == 1 ? "" : "s")}.");
        json.WriteStartArray("diagnostics");
        foreach (var d in diagnostics)
        {
            json.WriteStartObject();
            json.WriteString("severity", d.Severity);
            json.WriteString("code", d.Code);
            json.WriteString("message", d.Message);
            json.WriteString("file", d.File);
            json.WriteNumber("line", d.Line);
            json.WriteNumber("column", d.Column);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    });
}
