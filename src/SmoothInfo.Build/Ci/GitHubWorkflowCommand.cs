using System.Text;
using SmoothInfo.Build.Diagnostics;

namespace SmoothInfo.Build.Ci;

/// <summary>
/// GitHub Actions workflow commands, the only place they are formatted:
/// <c>::error file=F,line=L,col=C,endLine=E,endColumn=K,title=SI1001::message</c>. Escaping as in actions/toolkit:
/// in the message %, CR and LF; in property values also ':' and ','.
/// </summary>
internal static class GitHubWorkflowCommand
{
    /// <param name="logged">As logged: severity after overrides (error or warning), the file as a full path.</param>
    public static string Annotation(EstimatorDiagnostic logged)
    {
        var properties = new List<(string Name, string Value)> { ("file", logged.File ?? "") };
        if (logged.Line > 0)
        {
            properties.Add(("line", Number(logged.Line)));
            if (logged.EndLine > logged.Line) properties.Add(("endLine", Number(logged.EndLine)));
            // The runner drops columns when the annotation spans several lines.
            if (logged.Column > 0 && logged.EndLine <= logged.Line)
            {
                properties.Add(("col", Number(logged.Column)));
                if (logged.EndColumn >= logged.Column) properties.Add(("endColumn", Number(logged.EndColumn)));
            }
        }
        properties.Add(("title", logged.Code));
        string command = logged.Severity == DiagnosticSeverity.Warning ? "warning" : "error";
        return Command(command, properties, logged.Message);
    }

    public static string Group(string title) => Command("group", [], title);

    public static string EndGroup() => "::endgroup::";

    public static string Command(string name, IEnumerable<(string Name, string Value)> properties, string message)
    {
        var text = new StringBuilder("::").Append(name);
        string joined = string.Join(",", properties.Select(p => $"{p.Name}={EscapeProperty(p.Value)}"));
        if (joined.Length > 0) text.Append(' ').Append(joined);
        return text.Append("::").Append(EscapeData(message)).ToString();
    }

    public static string EscapeData(string value) =>
        value.Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A");

    public static string EscapeProperty(string value) =>
        EscapeData(value).Replace(":", "%3A").Replace(",", "%2C");

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
