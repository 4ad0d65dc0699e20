namespace SmoothInfo.Policy.Model;

/// <summary>
/// The file each report format is written to in reports.directory: one place for the tool that writes the reports and
/// the MSBuild task that reads them (which references only this project).
/// </summary>
public static class ReportFileNames
{
    public static string Of(ReportFormat format) => format switch
    {
        ReportFormat.Json => "smoothinfo-report.json",
        ReportFormat.Sarif => "smoothinfo.sarif",
        ReportFormat.Html => "smoothinfo-report.html",
        ReportFormat.Markdown => "smoothinfo-summary.md",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}
