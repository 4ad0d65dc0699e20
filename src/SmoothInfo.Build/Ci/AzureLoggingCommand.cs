using System.Globalization;
using System.Text;
using SmoothInfo.Build.Diagnostics;

namespace SmoothInfo.Build.Ci;

/// <summary>
/// Azure Pipelines logging commands, the only place they are formatted:
/// <c>##vso[task.logissue type=error;sourcepath=F;linenumber=L;columnnumber=C;code=SI1001;]message</c> and
/// <c>##vso[task.uploadsummary]path</c>. Escaping as in azure-pipelines-task-lib: in the message % (as %AZP25),
/// CR and LF; in property values also ']' and ';'.
/// </summary>
internal static class AzureLoggingCommand
{
    /// <param name="logged">As logged: severity after overrides (error or warning), the file as a full path.</param>
    public static string LogIssue(EstimatorDiagnostic logged)
    {
        var properties = new List<(string Name, string Value)>
        {
            ("type", logged.Severity == DiagnosticSeverity.Warning ? "warning" : "error"),
            ("sourcepath", logged.File ?? ""),
        };
        if (logged.Line > 0)
        {
            properties.Add(("linenumber", logged.Line.ToString(CultureInfo.InvariantCulture)));
            if (logged.Column > 0) properties.Add(("columnnumber", logged.Column.ToString(CultureInfo.InvariantCulture)));
        }
        properties.Add(("code", logged.Code));
        return Command("task.logissue", properties, logged.Message);
    }

    public static string UploadSummary(string markdownFile) => Command("task.uploadsummary", [], markdownFile);

    /// <summary>Formatting commands that fold the lines between them in the log view.</summary>
    public static string Group(string title) => "##[group]" + EscapeData(title);

    public static string EndGroup() => "##[endgroup]";

    public static string Command(string area, IEnumerable<(string Name, string Value)> properties, string data)
    {
        var text = new StringBuilder("##vso[").Append(area);
        string joined = string.Concat(properties.Select(p => $"{p.Name}={EscapeProperty(p.Value)};"));
        if (joined.Length > 0) text.Append(' ').Append(joined);
        return text.Append(']').Append(EscapeData(data)).ToString();
    }

    public static string EscapeData(string value) =>
        value.Replace("%", "%AZP25").Replace("\r", "%0D").Replace("\n", "%0A");

    public static string EscapeProperty(string value) =>
        EscapeData(value).Replace("]", "%5D").Replace(";", "%3B");
}
