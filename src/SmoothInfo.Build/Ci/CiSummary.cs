using System.Text;

namespace SmoothInfo.Build.Ci;

/// <summary>
/// The gate's Markdown summary where the CI service shows it: appended to the file named by
/// <c>GITHUB_STEP_SUMMARY</c> (GitHub Actions), or written beside the reports for <c>##vso[task.uploadsummary]</c>
/// (Azure Pipelines). GitHub refuses a step summary over 1 MiB, so the gate keeps its own part under
/// <see cref="MaxBytes"/> (less whatever the step already wrote), cutting at a line boundary and saying so.
/// </summary>
internal static class CiSummary
{
    public const int MaxBytes = 512 * 1024;

    /// <summary>Written beside the reports for Azure; it is the capped copy of the Markdown report.</summary>
    public const string AzureSummaryFileName = "smoothinfo-ci-summary.md";

    /// <summary>
    /// The text for one policy: the Markdown report when the policy writes one (else the verdict line and a hint),
    /// then where the HTML report is. Cut to <paramref name="maxBytes"/> of UTF-8.
    /// </summary>
    public static string Compose(string? markdownReport, bool passed, string summaryLine, string policyFile, string? htmlReport,
        int maxBytes = MaxBytes)
    {
        string body = markdownReport ?? FallbackBody(passed, summaryLine);
        string tail = $"\nPolicy `{policyFile}`. " + (htmlReport is null
            ? "No HTML report: add `html` to `reports.formats` in the policy for one with thumbnails.\n"
            : $"Full report (HTML, on the build machine; upload it as an artifact to keep it): `{htmlReport}`\n");
        return CapAtLine(body.TrimEnd('\n') + "\n", tail, maxBytes);
    }

    /// <summary>Appends to GitHub's step summary file, within what is left of the budget; false when nothing fitted.</summary>
    public static bool AppendToGitHubStepSummary(string stepSummaryFile, Func<int, string> composeWithin)
    {
        long already = File.Exists(stepSummaryFile) ? new FileInfo(stepSummaryFile).Length : 0;
        // A blank line keeps our heading apart from what the step wrote before.
        string separator = already > 0 ? "\n" : "";
        long left = MaxBytes - already - separator.Length;
        if (left <= 0) return false;
        string text = composeWithin((int)left);
        if (text.Length == 0) return false;
        byte[] bytes = Encoding.UTF8.GetBytes(separator + text);
        // One write in append mode, so two projects building in parallel do not interleave their sections.
        using var stream = new FileStream(stepSummaryFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        stream.Write(bytes);
        return true;
    }

    /// <summary>
    /// <paramref name="body"/> then <paramref name="tail"/>, within <paramref name="maxBytes"/>: when the body does not
    /// fit it ends at the last whole line that does, followed by a note. Empty when not even the tail and note fit.
    /// </summary>
    public static string CapAtLine(string body, string tail, int maxBytes)
    {
        int tailBytes = Encoding.UTF8.GetByteCount(tail);
        if (Encoding.UTF8.GetByteCount(body) + tailBytes <= maxBytes) return body + tail;
        string note = $"\n_…the rest is cut: a CI summary is kept under {maxBytes / 1024} KiB. The reports hold everything._\n";
        int room = maxBytes - tailBytes - Encoding.UTF8.GetByteCount(note);
        if (room < 0) return "";
        int cut = LastLineEndWithin(body, room);
        return body[..cut] + note + tail;
    }

    /// <summary>Length of the longest prefix of whole lines whose UTF-8 size is at most <paramref name="maxBytes"/>.</summary>
    private static int LastLineEndWithin(string text, int maxBytes)
    {
        int bytes = 0, lastEnd = 0;
        for (int i = 0; i < text.Length; i++)
        {
            bytes += char.IsHighSurrogate(text[i]) ? 4 : char.IsLowSurrogate(text[i]) ? 0 : Encoding.UTF8.GetByteCount(text.AsSpan(i, 1));
            if (bytes > maxBytes) break;
            if (text[i] == '\n') lastEnd = i + 1;
        }
        return lastEnd;
    }

    private static string FallbackBody(bool passed, string summaryLine) =>
        $"## SmoothInfo: {(passed ? "passed" : "failed")}\n\n{summaryLine}\n\n" +
        "_Add `markdown` to `reports.formats` in the policy for the findings table here._\n";
}
