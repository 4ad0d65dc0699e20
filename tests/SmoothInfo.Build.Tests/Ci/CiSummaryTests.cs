using System.Text;
using SmoothInfo.Build.Ci;

namespace SmoothInfo.Build.Tests.Ci;

/// <summary>The Markdown summary for the CI service: content, the size cap, appending to GitHub's step summary.</summary>
public sealed class CiSummaryTests
{
    private const string Policy = "/repo/smoothinfo.yml";
    private const string Html = "/repo/obj/smoothinfo/smoothinfo-1/smoothinfo-report.html";

    [Test]
    public void SmallReportIsKeptWholeAndNamesThePolicyAndTheHtmlReport()
    {
        string text = CiSummary.Compose("## SmoothInfo: failed (2 findings among 3 samples)\n\n| a | b |\n", false, "ignored", Policy, Html);

        Assert.That(text, Is.EqualTo("## SmoothInfo: failed (2 findings among 3 samples)\n\n| a | b |\n\n" +
            $"Policy `{Policy}`. Full report (HTML, on the build machine; upload it as an artifact to keep it): `{Html}`\n"));
    }

    [Test]
    public void WithoutAMarkdownReportTheVerdictAndSummaryLineAreShown()
    {
        string text = CiSummary.Compose(null, false, "3 samples checked, 2 flagged (budget 0)", Policy, null);

        Assert.That(text, Does.StartWith("## SmoothInfo: failed\n\n3 samples checked, 2 flagged (budget 0)\n"));
        Assert.That(text, Does.Contain("Add `markdown` to `reports.formats`"));
        Assert.That(text, Does.Contain("No HTML report"));
    }

    [Test]
    public void LargeReportIsCutAtALineBoundaryUnderTheCapWithANote()
    {
        string report = string.Concat(Enumerable.Range(0, 2000).Select(i => $"| `data/train/Coat/{i:0000}.png` | mislabeled | labelled Coat, predicted Shirt ❌ |\n"));

        string text = CiSummary.Compose(report, false, "", Policy, Html, maxBytes: 8 * 1024);

        Assert.That(Encoding.UTF8.GetByteCount(text), Is.LessThanOrEqualTo(8 * 1024));
        int note = text.IndexOf("\n_…the rest is cut", StringComparison.Ordinal);
        Assert.That(note, Is.GreaterThan(0), text);
        string kept = text[..note];
        Assert.That(report, Does.StartWith(kept), "the kept part is the report's beginning");
        Assert.That(kept, Does.EndWith("|\n"), "cut after a whole line");
        Assert.That(text, Does.EndWith($"`{Html}`\n"), "the HTML report's path survives the cut");
    }

    [Test]
    public void DefaultCapKeepsAReportOfSeveralMebibytesUnder512KiB()
    {
        string report = string.Concat(Enumerable.Repeat("| é | ⚠️ stale baseline entry |\n", 200_000));

        string text = CiSummary.Compose(report, false, "", Policy, Html);

        Assert.That(CiSummary.MaxBytes, Is.EqualTo(512 * 1024));
        Assert.That(Encoding.UTF8.GetByteCount(text), Is.InRange(500 * 1024, 512 * 1024));
    }

    [Test]
    public void AppendsAfterWhatTheStepAlreadyWrote()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "## Tests\n42 passed\n");

            bool appended = CiSummary.AppendToGitHubStepSummary(file, max => CiSummary.Compose("## SmoothInfo: passed (3 samples)\n", true, "", Policy, null, max));

            Assert.That(appended, Is.True);
            Assert.That(File.ReadAllText(file), Does.StartWith("## Tests\n42 passed\n\n## SmoothInfo: passed (3 samples)\n"));
        }
        finally { File.Delete(file); }
    }

    [Test]
    public void StepSummaryNeverGrowsPastTheCap()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, new string('x', CiSummary.MaxBytes - 2048));
            string report = string.Concat(Enumerable.Repeat("| row |\n", 5000));

            Assert.That(CiSummary.AppendToGitHubStepSummary(file, max => CiSummary.Compose(report, false, "", Policy, Html, max)), Is.True);
            Assert.That(new FileInfo(file).Length, Is.LessThanOrEqualTo(CiSummary.MaxBytes));
            Assert.That(File.ReadAllText(file), Does.Contain("the rest is cut"));

            Assert.That(CiSummary.AppendToGitHubStepSummary(file, max => CiSummary.Compose(report, false, "", Policy, Html, max)), Is.False,
                "nothing left for a second policy");
            Assert.That(new FileInfo(file).Length, Is.LessThanOrEqualTo(CiSummary.MaxBytes));
        }
        finally { File.Delete(file); }
    }
}
