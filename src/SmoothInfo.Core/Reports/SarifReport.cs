using System.Text.Json;
using SmoothInfo.IO;
using SmoothInfo.Rules;
using SmoothInfo.Rules.Kinds;

namespace SmoothInfo.Reports;

/// <summary>
/// SARIF 2.1.0 for code-scanning services: one rule per kind of finding with a stable id (its SI code), one result per
/// finding with the file relative to the repository root and the line, the content hash as a partial fingerprint
/// (so a finding keeps its identity when rows move), and accepted findings as externally suppressed.
/// </summary>
public static class SarifReport
{
    public static void Write(string path, GateReport report, string repositoryRoot) => JsonFile.Write(path, json =>
    {
        json.WriteStartObject();
        json.WriteString("version", "2.1.0");
        json.WriteStartArray("runs");
        json.WriteStartObject();

        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", "SmoothInfo");
        json.WriteString("version", report.ToolVersion);
        json.WriteStartArray("rules");
        foreach (var kind in FindingRules.Kinds)
        {
            json.WriteStartObject();
            json.WriteString("id", kind.Code);
            json.WriteString("name", kind.Name);
            json.WriteStartObject("shortDescription");
            json.WriteString("text", kind.Summary);
            json.WriteEndObject();
            json.WriteStartObject("help");
            json.WriteString("text", $"Fix: {kind.Fix}.");
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();

        // Which F-SI the messages' numbers are, and the SGD-noise weight SI when measured, for readers of the log.
        var measurements = FindingText.Measurements(report);
        if (measurements.Count > 0)
        {
            json.WriteStartObject("properties");
            foreach (var (name, text) in measurements) json.WriteString(name, text);
            json.WriteEndObject();
        }

        json.WriteStartArray("results");
        foreach (var finding in report.Evaluation.Findings)
        {
            json.WriteStartObject();
            json.WriteString("ruleId", finding.Kind.Code);
            json.WriteString("level", finding.Status switch { FindingStatus.Accepted => "note", FindingStatus.Unchanged => "warning", _ => "error" });
            json.WriteStartObject("message");
            json.WriteString("text", $"{FindingText.Message(finding, report)} Fix: {finding.Kind.Fix}.");
            json.WriteEndObject();
            json.WriteStartArray("locations");
            json.WriteStartObject();
            json.WriteStartObject("physicalLocation");
            json.WriteStartObject("artifactLocation");
            json.WriteString("uri", RelativeUri(finding.Locator.File, repositoryRoot));
            json.WriteEndObject();
            if (finding.Locator.Line > 0)
            {
                json.WriteStartObject("region");
                json.WriteNumber("startLine", finding.Locator.Line);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            if (!double.IsNaN(finding.Signals.WeightSISgd))
            {
                json.WriteStartObject("properties");
                json.WriteNumber("weightSISgd", finding.Signals.WeightSISgd);
                json.WriteEndObject();
            }
            json.WriteStartObject("partialFingerprints");
            json.WriteString("contentHash/v1", finding.ContentHash);
            json.WriteEndObject();
            if (finding.Accepted)
            {
                json.WriteStartArray("suppressions");
                json.WriteStartObject();
                json.WriteString("kind", "external");
                json.WriteString("justification", "accepted in the SmoothInfo baseline");
                json.WriteEndObject();
                json.WriteEndArray();
            }
            json.WriteEndObject();
            json.FlushWhenFull();
        }
        json.WriteEndArray();

        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    });

    /// <summary>A path relative to the repository root with forward slashes, as code scanning expects.</summary>
    public static string RelativeUri(string file, string repositoryRoot) =>
        Path.GetRelativePath(repositoryRoot, Path.GetFullPath(file)).Replace('\\', '/');
}
