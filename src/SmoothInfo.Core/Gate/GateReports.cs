using SmoothInfo.Policy.Model;
using SmoothInfo.Reports;
using SmoothInfo.Reports.Html;

namespace SmoothInfo.Gate;

/// <summary>Writes the reports the policy asks for into the report directory (each file atomically).</summary>
public static class GateReports
{
    public static IReadOnlyList<string> Write(GateReport report, ReportsPolicy reports, string directory, string repositoryRoot)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var format in reports.Formats.Distinct())
        {
            string path = Path.Combine(directory, ReportFileNames.Of(format));
            switch (format)
            {
                case ReportFormat.Json: JsonReport.Write(path, report); break;
                case ReportFormat.Sarif: SarifReport.Write(path, report, repositoryRoot); break;
                case ReportFormat.Html: HtmlReport.Write(path, report, repositoryRoot); break;
                case ReportFormat.Markdown: MarkdownReport.Write(path, report, repositoryRoot); break;
            }
            written.Add(path);
        }
        return written;
    }

    /// <summary>The repository root (the nearest folder with a .git entry above the policy), or the policy's folder.</summary>
    public static string RepositoryRoot(string policyFile)
    {
        string start = Path.GetDirectoryName(Path.GetFullPath(policyFile))!;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git"))) return dir.FullName;
        return start;
    }
}
