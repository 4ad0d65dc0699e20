using System.Text.Json;
using SmoothInfo.IO;
using SmoothInfo.Policy.Model;
using SmoothInfo.Results;
using SmoothInfo.Rules;

namespace SmoothInfo.Reports;

/// <summary>
/// The full report (smoothinfo-report.json, schemaVersion 1, documented in docs/rules-and-reports.md): the verdict, the solver,
/// budgets, findings, per-group summaries, and every sample's signals, locator, hash and flags: enough for
/// <see cref="SavedReport"/> to apply the rules again and re-render every report.
/// </summary>
public static class JsonReport
{
    public const int SchemaVersion = 1;

    public static void Write(string path, GateReport report) => JsonFile.Write(path, json =>
    {
        var findings = report.Evaluation.Findings.ToDictionary(f => f.SampleIndex);
        json.WriteStartObject();
        json.WriteNumber("schemaVersion", SchemaVersion);
        json.WriteString("tool", $"smoothinfo {report.ToolVersion}");
        json.WriteString("outcome", report.Passed ? "passed" : "failed");
        json.WriteString("policy", report.PolicyFile);
        json.WriteString("dataset", report.DatasetPath);
        json.WriteNumber("sampleCount", report.SampleCount);
        json.WriteString("score", report.ScoreName);
        json.WriteNumber("sigma", report.Sigma);
        json.WriteStartArray("classes");
        foreach (var name in report.ClassNames) json.WriteStringValue(name);
        json.WriteEndArray();

        json.WriteSolver(report.Solver);

        json.WriteStartArray("budgetViolations");
        foreach (var v in report.Evaluation.Violations)
        {
            json.WriteStartObject();
            json.WriteString("scope", v.Scope);
            if (v.Group is not null) json.WriteString("group", v.Group);
            json.WriteNumber("findings", v.Count);
            json.WriteNumber("limit", v.Limit);
            json.WriteNumber("samples", v.Samples);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteStartArray("staleBaselineEntries");
        foreach (var e in report.Evaluation.StaleBaselineEntries)
        {
            json.WriteStartObject();
            json.WriteString("contentHash", e.ContentHash);
            json.WriteString("category", e.Category);
            json.WriteString("locator", e.Locator);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteStartArray("groups");
        foreach (var g in report.Groups)
        {
            json.WriteStartObject();
            json.WriteString("scope", g.Scope);
            json.WriteString("group", g.Group);
            json.WriteNumber("samples", g.Samples);
            json.WriteNumber("findings", g.Findings);
            json.WriteNumber("medianScore", g.MedianScore);
            json.WriteNumber("meanScore", g.MeanScore);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteStartArray("samples");
        foreach (var s in report.Signals)
        {
            var locator = report.Locators[s.Index];
            json.WriteStartObject();
            json.WriteNumber("index", s.Index);
            json.WriteString("file", locator.File);
            if (locator.Line > 0) json.WriteNumber("line", locator.Line);
            if (locator.Index >= 0) json.WriteNumber("recordIndex", locator.Index);
            json.WriteString("contentHash", report.ContentHashes[s.Index]);
            json.WriteString("label", report.ClassNames[s.Label]);
            if (report.Sources[s.Index] is { } source) json.WriteString("source", source);
            json.WriteSignals(s);
            json.WriteNumber("labelSurprise", s.LabelSurprise);
            json.NumberOrNull("inputResidual", s.InputResidual);
            json.NumberOrNull("inputZ", report.Evaluation.InputZ(s));
            if (s.DuplicateGroup is { } group) json.WriteNumber("duplicateGroup", group);
            json.NumberOrNull("decision", report.Evaluation.Decision(s));
            json.WriteString("looClass", report.ClassNames[s.LooClass]);
            json.NumberOrNull("looMargin", s.LooMargin);
            json.NumberOrNull("robustZ", report.Evaluation.Scores.RobustZ(s.Score));
            json.WriteNumber("percentile", report.Evaluation.Scores.PercentileRank(s.Score));
            if (findings.TryGetValue(s.Index, out var finding))
            {
                json.WriteString("finding", finding.Kind.Name);
                json.WriteString("code", finding.Kind.Code);
                json.WriteBoolean("accepted", finding.Accepted);
                json.WriteString("status", KebabCase.Of(finding.Status));
            }
            // Kept so `smoothinfo report` can draw the HTML report again without the images.
            if (report.ThumbnailsOrEmpty.TryGetValue(s.Index, out var thumbnail)) json.WriteString("thumbnail", thumbnail);
            json.WriteEndObject();
            json.FlushWhenFull();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    });
}
