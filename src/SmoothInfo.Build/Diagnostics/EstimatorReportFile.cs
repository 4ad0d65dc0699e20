using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmoothInfo.Build.Diagnostics;

/// <summary>
/// Reads and checks the estimator's diagnostics file. Anything that does not match the contract is an
/// <see cref="InvalidDataException"/> naming what is wrong, which the gate reports as a tool failure.
/// </summary>
internal static class EstimatorReportFile
{
    public const int SchemaVersion = 1;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public static EstimatorReport Read(string path)
    {
        FileShape? shape;
        try
        {
            using var stream = File.OpenRead(path);
            shape = JsonSerializer.Deserialize<FileShape>(stream, Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"it is not valid JSON ({e.Message})");
        }
        if (shape is null) throw new InvalidDataException("it is empty (null)");
        if (shape.SchemaVersion != SchemaVersion)
            throw new InvalidDataException($"schemaVersion is {shape.SchemaVersion}; this build task reads version {SchemaVersion}");
        bool passed = shape.Outcome switch
        {
            "passed" => true,
            "failed" => false,
            _ => throw new InvalidDataException($"outcome is '{shape.Outcome}'; expected 'passed' or 'failed'"),
        };
        var diagnostics = (shape.Diagnostics ?? []).Select((d, i) => ToDiagnostic(d, i)).ToList();
        return new EstimatorReport(passed, shape.Summary ?? "", diagnostics);
    }

    private static EstimatorDiagnostic ToDiagnostic(DiagnosticShape d, int index)
    {
        var severity = d.Severity switch
        {
            "error" => DiagnosticSeverity.Error,
            "warning" => DiagnosticSeverity.Warning,
            "message" => DiagnosticSeverity.Message,
            _ => throw new InvalidDataException($"diagnostics[{index}].severity is '{d.Severity}'; expected error, warning or message"),
        };
        if (string.IsNullOrWhiteSpace(d.Code)) throw new InvalidDataException($"diagnostics[{index}] has no code");
        if (string.IsNullOrWhiteSpace(d.Message)) throw new InvalidDataException($"diagnostics[{index}] ({d.Code}) has no message");
        return new EstimatorDiagnostic(severity, d.Code, d.Message, string.IsNullOrEmpty(d.File) ? null : d.File,
            Math.Max(d.Line, 0), Math.Max(d.Column, 0), Math.Max(d.EndLine, 0), Math.Max(d.EndColumn, 0), d.HelpLink);
    }

    private sealed class FileShape
    {
        public int SchemaVersion { get; set; }
        public string? Outcome { get; set; }
        public string? Summary { get; set; }
        public List<DiagnosticShape>? Diagnostics { get; set; }
    }

    private sealed class DiagnosticShape
    {
        public string? Severity { get; set; }
        public string? Code { get; set; }
        public string? Message { get; set; }
        public string? File { get; set; }
        public int Line { get; set; }
        public int Column { get; set; }
        public int EndLine { get; set; }
        public int EndColumn { get; set; }
        public string? HelpLink { get; set; }
    }
}
