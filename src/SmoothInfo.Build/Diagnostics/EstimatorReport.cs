namespace SmoothInfo.Build.Diagnostics;

/// <summary>
/// The diagnostics file `smoothinfo check --diagnostics` writes (schema version 1, docs/msbuild.md):
/// the outcome, a one-line summary and every diagnostic with its location.
/// </summary>
internal sealed record EstimatorReport(bool Passed, string Summary, IReadOnlyList<EstimatorDiagnostic> Diagnostics);

internal enum DiagnosticSeverity { Error, Warning, Message }

/// <param name="File">Relative to the policy file's folder, or absolute; null points at the policy file.</param>
/// <param name="Line">1-based; 0 when the diagnostic is about a whole file.</param>
internal sealed record EstimatorDiagnostic(
    DiagnosticSeverity Severity,
    string Code,
    string Message,
    string? File,
    int Line,
    int Column,
    int EndLine,
    int EndColumn,
    string? HelpLink);
