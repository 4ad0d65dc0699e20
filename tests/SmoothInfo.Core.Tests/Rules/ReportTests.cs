using System.Text.Json;
using SmoothInfo.Estimation;
using SmoothInfo.Reports;
using SmoothInfo.Rules;
using static SmoothInfo.Tests.Rules.RuleFixtures;

namespace SmoothInfo.Tests.Rules;

/// <summary>JSON, SARIF and Markdown reports of one evaluated dataset, read back and checked field by field.</summary>
public sealed class ReportTests
{
    private string _root = "";
    private GateReport _report = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("reports-").FullName;
        var data = TinyDataset(60);
        var signals = TypicalSignals(data);
        signals[4] = SignalsOf(4, data.Labels[4], 9, looClass: 2, looScore: 0.93); // sample 4 is class 1
        signals[20] = SignalsOf(20, data.Labels[20], 9, looClass: data.Labels[20], looScore: 0.05);
        var baseline = new Baseline(new[] { new BaselineEntry(data[20].ContentHash, "corrupted", "data.csv(22)", null) });
        _report = Report(data, signals, baseline);
    }

    private GateReport Report(SmoothInfo.Data.Dataset data, List<SampleSignals> signals, Baseline baseline) =>
        ReportOf(_root, data, signals, baseline);

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public void TheMessageSaysLabelPredictionScoreAndStanding()
    {
        var finding = _report.Evaluation.Findings.First(f => f.SampleIndex == 4);
        Assert.That(FindingText.Message(finding, _report),
            Does.StartWith("labelled 1, the model trained without it scores 2 0.93 on the one-hot scale; F-SI 9 nats (100.0th percentile, robust z "));
        Assert.That(FindingText.Message(finding, _report), Does.EndWith("likely mislabeled."));
    }

    [Test]
    public void AnOutputAboveOneIsAScoreOnTheOneHotScaleNotAPrediction()
    {
        var data = TinyDataset(60);
        var signals = TypicalSignals(data).ToList();
        signals[4] = SignalsOf(4, data.Labels[4], 9, looClass: (data.Labels[4] + 1) % 3, looScore: 1.1);
        var report = Report(data, signals, Baseline.Empty);
        string message = FindingText.Message(report.Evaluation.Findings.Single(), report);
        Assert.That(message, Does.Contain($"the model trained without it scores {report.ClassNames[(data.Labels[4] + 1) % 3]} 1.1 on the one-hot scale;"));
        Assert.That(message, Does.Not.Contain("predict"));
    }

    [Test]
    public void AnInputOutlierSaysWhereItsInputLiesAndTheSavedReportKeepsTheResiduals()
    {
        var data = TinyDataset(60);
        var signals = TypicalSignals(data).Select(s => s with { InputResidual = 1 + 0.1 * (s.Index % 7) }).ToList();
        signals[7] = SignalsOf(7, data.Labels[7], 1, looClass: data.Labels[7], looScore: 0.3) with { InputResidual = 50 };
        var report = Report(data, signals, Baseline.Empty);
        var finding = report.Evaluation.Findings.Single();

        Assert.That(FindingText.Message(finding, report), Does.StartWith(
            $"labelled 1, its input lies far from the subspace that holds 90% of the dataset's variance (robust z {NumberText.Format(finding.InputZ)}); " +
            "the model trained without it still scores 1 highest but only 0.3 on the one-hot scale; F-SI 1 nats"));
        Assert.That(FindingText.Message(finding, report), Does.EndWith("likely corrupted."));

        string path = Path.Combine(_root, "out", "report.json");
        JsonReport.Write(path, report);
        using (var doc = JsonDocument.Parse(File.ReadAllText(path)))
        {
            var sample = doc.RootElement.GetProperty("samples")[7];
            Assert.That(sample.GetProperty("inputResidual").GetDouble(), Is.EqualTo(50));
            Assert.That(sample.GetProperty("inputZ").GetDouble(), Is.EqualTo(finding.InputZ).Within(1e-12));
            Assert.That(sample.GetProperty("finding").GetString(), Is.EqualTo("corrupted"));
        }
        var saved = SavedReport.Read(path);
        Assert.That(saved.Output.Signals.Select(s => s.InputResidual), Is.EqualTo(signals.Select(s => s.InputResidual)));

        string html = Reports.Html.HtmlReport.Render(report, _root);
        Assert.That(html, Does.Contain("<h2>Input distance from the data's principal subspace</h2>"));
        Assert.That(html, Does.Contain($"input outlier &gt; {NumberText.Format(report.Evaluation.InputCutoff!.Value)}"), "the rule's threshold is drawn");
    }

    [Test]
    public void ASavedReportWithTextThatIsNotUtf8IsAnInputError()
    {
        // Found by the fuzzer (docs/robustness.md): JsonDocument decodes strings lazily, so this escaped as InvalidOperationException.
        string path = Path.Combine(_root, "smoothinfo-report.json");
        JsonReport.Write(path, _report);
        var bytes = File.ReadAllBytes(path);
        int tool = System.Text.Encoding.UTF8.GetString(bytes).IndexOf("\"smoothinfo ", StringComparison.Ordinal) + 1;
        bytes[tool] = 0xFF; // the tool's name, the first string the reader decodes
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<SmoothInfo.Diagnostics.InputException>(() => SavedReport.Read(path))!;
        Assert.That(e.Code, Is.EqualTo(SmoothInfo.Diagnostics.ErrorCodes.ReportMalformed));
        Assert.That(e.Message, Does.Contain("not valid UTF-8"));
        Assert.That(e.Location!.File, Is.EqualTo(path));
    }

    [Test]
    public void JsonHasEverySampleWithItsSignalsLocatorAndFlags()
    {
        string path = Path.Combine(_root, "out", "report.json");
        JsonReport.Write(path, _report);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        Assert.That(root.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(1));
        Assert.That(root.GetProperty("outcome").GetString(), Is.EqualTo("failed"));
        var samples = root.GetProperty("samples").EnumerateArray().ToList();
        Assert.That(samples, Has.Count.EqualTo(60));
        Assert.That(samples[4].GetProperty("line").GetInt32(), Is.EqualTo(6));
        Assert.That(samples[4].GetProperty("finding").GetString(), Is.EqualTo("mislabeled"));
        Assert.That(samples[4].GetProperty("code").GetString(), Is.EqualTo("SI1001"));
        Assert.That(samples[20].GetProperty("accepted").GetBoolean(), Is.True);
        Assert.That(samples[5].TryGetProperty("finding", out _), Is.False);
        Assert.That(samples[5].GetProperty("looPrediction").GetArrayLength(), Is.EqualTo(3));
        Assert.That(samples[5].GetProperty("inputResidual").ValueKind, Is.EqualTo(JsonValueKind.Null), "not measured");
        Assert.That(root.GetProperty("budgetViolations")[0].GetProperty("scope").GetString(), Is.EqualTo("overall"));
        Assert.That(root.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("group").GetString()),
            Is.EqualTo(new[] { "0", "1", "2", "crawl", "vendor" }));
    }

    [Test]
    public void SarifHasStableRuleIdsRelativeUrisLinesAndSuppressions()
    {
        string path = Path.Combine(_root, "out", "report.sarif");
        SarifReport.Write(path, _report, _root);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var run = doc.RootElement.GetProperty("runs")[0];
        Assert.That(doc.RootElement.GetProperty("version").GetString(), Is.EqualTo("2.1.0"));
        Assert.That(run.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString(), Is.EqualTo("SmoothInfo"));
        var results = run.GetProperty("results").EnumerateArray().ToList();
        var mislabeled = results.Single(r => r.GetProperty("ruleId").GetString() == "SI1001");
        var location = mislabeled.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.That(location.GetProperty("artifactLocation").GetProperty("uri").GetString(), Is.EqualTo("data/train.csv"));
        Assert.That(location.GetProperty("region").GetProperty("startLine").GetInt32(), Is.EqualTo(6));
        Assert.That(mislabeled.GetProperty("level").GetString(), Is.EqualTo("error"));
        Assert.That(mislabeled.GetProperty("message").GetProperty("text").GetString(), Does.Contain("Fix: correct the label"));
        var accepted = results.Single(r => r.GetProperty("ruleId").GetString() == "SI1002");
        Assert.That(accepted.GetProperty("suppressions")[0].GetProperty("kind").GetString(), Is.EqualTo("external"));
        Assert.That(run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()),
            Is.EqualTo(new[] { "SI1001", "SI1002", "SI1003", "SI1004", "SI1005" }), "one rule per kind of finding, in the order of their codes");
    }

    [Test]
    public void MarkdownLeadsWithTheVerdictAndListsOpenFindings()
    {
        string markdown = MarkdownReport.Render(_report, _root);
        Assert.That(markdown, Does.StartWith("## SmoothInfo: failed (1 finding among 60 samples)"));
        Assert.That(markdown, Does.Contain("Findings: 1 mislabeled; 1 accepted by the baseline."));
        Assert.That(markdown, Does.Contain("| `data/train.csv(6)` | mislabeled | labelled 1, the model trained without it scores 2 0.93"));
        Assert.That(markdown, Does.Contain("1 finding among 60 samples exceeds the overall budget of 0."));
        Assert.That(markdown, Does.Contain("| source crawl | 30 |"));
    }

    [Test]
    public void DiagnosticsAreErrorsWhenTheGateFailsAndPointAtTheSample()
    {
        var diagnostics = DiagnosticsFile.From(_report, baselineFile: null);
        var first = diagnostics[0];
        Assert.That((first.Severity, first.Code, first.Line, first.Column), Is.EqualTo(("error", "SI1001", 6, 1)));
        Assert.That(first.File, Is.EqualTo(Path.Combine(_root, "data", "train.csv")));
        Assert.That(first.Message, Does.Contain("Fix: correct the label"));
        Assert.That(diagnostics.Single(d => d.Code == "SI1002").Severity, Is.EqualTo("message"), "accepted by the baseline");
        Assert.That(diagnostics.Single(d => d.Code == "SI1100").File, Is.EqualTo(_report.PolicyFile));
    }

    [Test]
    public void TheCapListsTheStrongestFindingsThenOneSummary()
    {
        var diagnostics = DiagnosticsFile.From(_report, baselineFile: null, cap: 1);
        Assert.That(diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "SI1001", "SI1000", "SI1100" }));
        Assert.That(diagnostics[1].Message, Does.StartWith("1 more finding is not listed"));
    }

    [Test]
    public void TheDiagnosticsFileFollowsTheTaskContract()
    {
        string path = Path.Combine(_root, "out", "diagnostics.json");
        DiagnosticsFile.Write(path, _report, baselineFile: null);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        Assert.That(doc.RootElement.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(1));
        Assert.That(doc.RootElement.GetProperty("outcome").GetString(), Is.EqualTo("failed"));
        var d = doc.RootElement.GetProperty("diagnostics")[0];
        Assert.That(d.GetProperty("severity").GetString(), Is.EqualTo("error"));
        Assert.That(d.GetProperty("line").GetInt32(), Is.EqualTo(6));
    }
}
