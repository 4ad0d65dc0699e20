using System.Security.Cryptography;
using System.Text;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Build.Policies;

/// <summary>
/// Where one policy's reports and cached diagnostics live: a folder per policy under the report directory,
/// named after the policy file plus a short hash of its full path so that two policies called
/// smoothinfo.yml in different folders never share a cache.
/// </summary>
internal static class PolicyReportFolder
{
    /// <summary>The estimator's diagnostics, kept after the run so a skipped (up-to-date) gate can replay them.</summary>
    public const string DiagnosticsFileName = "msbuild-diagnostics.json";

    /// <summary>
    /// Reports `smoothinfo check` writes here when the policy's reports.formats asks for them; the CI summary is made from them.
    /// </summary>
    public static string MarkdownReportFileName => ReportFileNames.Of(ReportFormat.Markdown);

    public static string HtmlReportFileName => ReportFileNames.Of(ReportFormat.Html);

    public static string For(string reportDirectory, string policyFile)
    {
        string fullPath = Path.GetFullPath(policyFile);
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(fullPath));
        string name = $"{Path.GetFileNameWithoutExtension(fullPath)}-{Convert.ToHexStringLower(hash)[..8]}";
        return Path.Combine(Path.GetFullPath(reportDirectory), name);
    }
}
