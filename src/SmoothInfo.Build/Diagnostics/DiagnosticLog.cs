using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SmoothInfo.Build.Ci;
using SmoothInfo.Diagnostics;

namespace SmoothInfo.Build.Diagnostics;

/// <summary>
/// Turns diagnostics into MSBuild events with code, file and position, so that the console prints
/// <c>file(line,col): error SI1xxx: message</c>, IDEs jump to the line, and MSBuild's own NoWarn,
/// WarningsAsErrors and -warnaserror apply by code.
/// </summary>
internal static class DiagnosticLog
{
    /// <param name="ci">Collects the CI service's annotation for what was logged (null when not on a CI service).</param>
    public static void Log(TaskLoggingHelper log, EstimatorDiagnostic d, string policyFile, SeverityOverrides overrides, CiAnnotations? ci = null)
    {
        var severity = overrides.Apply(d.Code, d.Severity);
        if (severity is null) return;
        string file = ResolveFile(d.File, policyFile);
        ci?.Add(d with { Severity = severity.Value, File = file });
        switch (severity)
        {
            case DiagnosticSeverity.Error:
                log.LogError(null, d.Code, null, d.HelpLink, file, d.Line, d.Column, d.EndLine, d.EndColumn, d.Message);
                break;
            case DiagnosticSeverity.Warning:
                log.LogWarning(null, d.Code, null, d.HelpLink, file, d.Line, d.Column, d.EndLine, d.EndColumn, d.Message);
                break;
            default:
                log.LogMessage(null, d.Code, null, file, d.Line, d.Column, d.EndLine, d.EndColumn, MessageImportance.High, d.Message);
                break;
        }
    }

    /// <summary>A policy error: the policy file, line and column, the message and how to fix it.</summary>
    public static void LogInputError(TaskLoggingHelper log, InputException e, string policyFile, CiAnnotations? ci = null)
    {
        string message = e.Fix is null ? e.Message : $"{e.Message} Fix: {e.Fix}";
        var at = e.Location;
        string file = at?.File ?? policyFile;
        log.LogError(null, e.Code, null, file, at?.Line ?? 0, at?.Column ?? 0, 0, 0, message);
        ci?.Add(new EstimatorDiagnostic(DiagnosticSeverity.Error, e.Code, message, file, at?.Line ?? 0, at?.Column ?? 0, 0, 0, null));
    }

    /// <summary>An error of the gate itself (SI3xxx), about a whole file: logged, and annotated on the CI service.</summary>
    public static void LogGateError(TaskLoggingHelper log, string code, string file, string message, CiAnnotations? ci)
    {
        log.LogError(null, code, null, file, 0, 0, 0, 0, message);
        ci?.Add(new EstimatorDiagnostic(DiagnosticSeverity.Error, code, message, file, 0, 0, 0, 0, null));
    }

    /// <summary>The CI commands a task collected, printed once after its diagnostics (nothing when there are none).</summary>
    public static void LogCiCommands(TaskLoggingHelper log, CiAnnotations? ci)
    {
        if (ci?.Block() is { } commands) log.LogMessage(MessageImportance.High, commands);
    }

    /// <summary>Relative paths in the estimator's diagnostics are relative to the policy file's folder.</summary>
    private static string ResolveFile(string? file, string policyFile)
    {
        if (file is null) return policyFile;
        return Path.GetFullPath(file, Path.GetDirectoryName(policyFile)!);
    }
}
