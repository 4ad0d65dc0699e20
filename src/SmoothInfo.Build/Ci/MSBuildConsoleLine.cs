using SmoothInfo.Build.Diagnostics;

namespace SmoothInfo.Build.Ci;

/// <summary>
/// The lines MSBuild's console logger prints for a logged error or warning, rebuilt here only to ask whether
/// setup-dotnet's problem matcher will turn them into annotations by itself. A message of several lines is printed
/// as one diagnostic line per message line (seen with MSBuild 18.9). The position forms are the ones
/// MSBuild 18 printed for each combination of line, column, end line and end column
/// (tests/SmoothInfo.Build.Tests/Ci/MSBuildConsoleLineTests.cs lists them).
/// </summary>
internal static class MSBuildConsoleLine
{
    /// <param name="logged">As logged: the severity after overrides, the file resolved to a full path.</param>
    public static IReadOnlyList<string> Of(EstimatorDiagnostic logged, string projectFile)
    {
        string severity = logged.Severity == DiagnosticSeverity.Warning ? "warning" : "error";
        string place = logged.Line > 0 ? $"{logged.File}{Position(logged.Line, logged.Column, logged.EndLine, logged.EndColumn)}" : $"{logged.File} ";
        return logged.Message.Split('\n').Select(line => $"{place}: {severity} {logged.Code}: {line.TrimEnd('\r')} [{projectFile}]").ToList();
    }

    public static string Position(int line, int column, int endLine, int endColumn)
    {
        if (column > 0)
        {
            if (endLine > 0) return endColumn > 0 ? $"({line},{column},{endLine},{endColumn})" : $"({line}-{endLine},{column})";
            return endColumn > 0 ? $"({line},{column}-{endColumn})" : $"({line},{column})";
        }
        return endLine > 0 ? $"({line}-{endLine})" : $"({line})";
    }
}
