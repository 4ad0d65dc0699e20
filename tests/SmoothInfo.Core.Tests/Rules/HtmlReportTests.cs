using System.Diagnostics;
using SkiaSharp;
using SmoothInfo.Data;
using SmoothInfo.Data.Images;
using SmoothInfo.Estimation;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reports;
using SmoothInfo.Reports.Html;
using SmoothInfo.Rules;
using static SmoothInfo.Tests.Rules.RuleFixtures;

namespace SmoothInfo.Tests.Rules;

/// <summary>The HTML report, rendered by headless Chromium and checked in its screenshot.</summary>
public sealed class HtmlReportTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("html-report-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    /// <summary>40 small images (a bright square whose position depends on the class); sample 7 is planted as mislabeled.</summary>
    private GateReport ImageReport(SolverReport? solver = null)
    {
        var builder = new DatasetBuilder("images", new[] { 12, 12 }, maxSamples: 100);
        for (int i = 0; i < 40; i++)
        {
            var pixels = new float[144];
            int offset = (i % 3) * 3;
            for (int y = 2; y < 7; y++) for (int x = offset; x < offset + 4; x++) pixels[y * 12 + x] = 255;
            builder.Add(pixels, (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture), SampleLocator.AtIndex(Path.Combine(_root, "images.idx"), i));
        }
        var data = BuildUnscaled(builder);
        var signals = TypicalSignals(data);
        signals[7] = SignalsOf(7, data.Labels[7], 9, looClass: 0, looScore: 0.93);
        var evaluation = RuleEngine.Evaluate(signals, SampleCatalog.Of(data), RulesWith(), Baseline.Empty);
        var thumbnails = Enumerable.Range(0, data.Count).ToDictionary(i => i, i => Thumbnail.DataUri(data[i].Features.Span, data.SampleShape));
        return new GateReport("1.0.0", Path.Combine(_root, "smoothinfo.yml"), Path.Combine(_root, "images.idx"), data.ClassNames,
            data.Samples.Select(s => s.Locator).ToList(), data.Samples.Select(s => s.ContentHash).ToList(), data.Samples.Select(s => s.Source).ToList(),
            signals, "F-SI", 1.0, solver ?? new SolverReport("closed-form", "t = infinity", 40.0, "float64"), evaluation,
            GroupSummary.Of(signals, data.ClassNames, data.Samples.Select(s => s.Source).ToList(), evaluation.Findings), thumbnails);
    }

    [Test]
    public void TheSavedJsonKeepsTheThumbnailsAndIndexLocatorsSoTheSamePageCanBeDrawnAgain()
    {
        var report = ImageReport();
        string json = Path.Combine(_root, "smoothinfo-report.json");
        JsonReport.Write(json, report);
        var saved = SavedReport.Read(json);
        Assert.That(saved.Thumbnails, Is.EqualTo(report.Thumbnails));
        Assert.That(saved.Samples.Locators, Is.EqualTo(report.Locators));
        var again = report with
        {
            Signals = saved.Output.Signals,
            Evaluation = RuleEngine.Evaluate(saved.Output.Signals, saved.Samples, RulesWith(), Baseline.Empty),
            Thumbnails = saved.Thumbnails,
        };
        Assert.That(HtmlReport.Render(again, _root), Is.EqualTo(HtmlReport.Render(report, _root)));
    }

    [Test]
    public void AWeightDecayChosenByTheDataIsPlottedAndSurvivesTheSavedReport()
    {
        var path = new RegularizationPath(0.1, new[] { 0.01, 0.1, 1.0 }, new[] { 0.5, 0.25, 0.4 });
        var report = ImageReport(new SolverReport("closed-form class-shared", "gaussian probe", 12.0, "float64", path));
        string json = Path.Combine(_root, "smoothinfo-report.json");
        JsonReport.Write(json, report);
        var saved = SavedReport.Read(json).Output.Solver.Regularization!;
        Assert.That((saved.Chosen, saved.WeightDecays, saved.LeaveOneOutErrors), Is.EqualTo((path.Chosen, path.WeightDecays, path.LeaveOneOutErrors)));

        string html = HtmlReport.Render(report, _root);
        Assert.That(html, Does.Contain("Weight decay chosen by leave-one-out"));
        Assert.That(html, Does.Contain("chosen 0.1"));
        Assert.That(System.Text.RegularExpressions.Regex.Matches(html, "<circle ").Count, Is.EqualTo(3), "one point per grid value");
        Assert.That(HtmlReport.Render(ImageReport(), _root), Does.Not.Contain("Weight decay chosen"), "a fixed weight decay draws no curve");
    }

    [Test]
    public void RulesThatShareAThresholdShareOneLabel()
    {
        string svg = SmoothInfo.Reports.Html.SvgCharts.Histogram(new[] { 0.01, 0.1, 1.0 },
            new[] { ("mislabeled", 0.18, "#e45756"), ("corrupted", 0.18, "#b279a2"), ("atypical", 0.5, "#54a24b") });
        Assert.That(svg, Does.Contain("mislabeled, corrupted &gt; 0.18"));
        Assert.That(System.Text.RegularExpressions.Regex.Matches(svg, "stroke-dasharray").Count, Is.EqualTo(2), "one dashed line per distinct threshold");
    }

    [Test]
    public void ThePageHoldsTheVerdictChartsFindingsAndTheDatasetSummary()
    {
        string html = HtmlReport.Render(ImageReport(), _root);
        Assert.That(html, Does.Contain("<h1>SmoothInfo: failed</h1>"));
        Assert.That(html, Does.Contain("Per-sample score: F-SI"));
        Assert.That(html, Does.Contain("Histogram of the per-sample score"));
        Assert.That(html, Does.Match("mislabeled[^<]*&gt; "), "the mislabeled threshold is drawn and labelled");
        Assert.That(html, Does.Contain("<code>images.idx[7]</code>"));
        Assert.That(html, Does.Contain("Median score per class"));
        Assert.That(html, Does.Contain("Most informative samples"));
        Assert.That(html, Does.Contain("data:image/png;base64,"));
        Assert.That(html, Does.Not.Contain("<script"), "self-contained and static");
    }

    [Test]
    public void ChromiumRendersItAsAPersonWouldSeeIt()
    {
        string chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists)
            ?? throw new AssertionException("headless Chromium is needed for this test: build/test.sh installs Debian's chromium package.");
        string page = Path.Combine(_root, "report.html");
        string screenshot = Path.Combine(_root, "report.png");
        HtmlReport.Write(page, ImageReport(), _root);

        var start = new ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--hide-scrollbars", $"--user-data-dir={Path.Combine(_root, "profile")}",
                     "--window-size=1000,1400", $"--screenshot={screenshot}", new Uri(page).AbsoluteUri })
            start.ArgumentList.Add(arg);
        using (var process = Process.Start(start)!)
        {
            process.StandardOutput.ReadToEndAsync();
            process.StandardError.ReadToEndAsync();
            Assert.That(process.WaitForExit(TimeSpan.FromSeconds(90)), Is.True, "Chromium must finish");
        }
        Assert.That(File.Exists(screenshot), Is.True);

        using var image = SKBitmap.Decode(screenshot);
        Assert.That(image.Width, Is.EqualTo(1000));
        Assert.That(Near(image.GetPixel(20, 20), new SKColor(0xc6, 0x28, 0x28)), Is.True, "the failed verdict's red banner is at the top");
        int histogramBlue = CountPixels(image, new SKColor(0x4c, 0x78, 0xa8));
        int mislabeledRed = CountPixels(image, new SKColor(0xe4, 0x57, 0x56));
        Assert.That(histogramBlue, Is.GreaterThan(2000), "histogram and group bars are drawn");
        Assert.That(mislabeledRed, Is.GreaterThan(50), "the mislabeled threshold line and tag are drawn");
        // Thumbnails: white squares on black (the planted pictures) appear in the page.
        Assert.That(CountPixels(image, SKColors.Black), Is.GreaterThan(1000), "image thumbnails are shown");
    }

    private static bool Near(SKColor a, SKColor b) => Math.Abs(a.Red - b.Red) + Math.Abs(a.Green - b.Green) + Math.Abs(a.Blue - b.Blue) < 24;

    private static int CountPixels(SKBitmap image, SKColor colour)
    {
        int count = 0;
        for (int y = 0; y < image.Height; y += 2)
            for (int x = 0; x < image.Width; x += 2)
                if (Near(image.GetPixel(x, y), colour)) count++;
        return count;
    }
}
