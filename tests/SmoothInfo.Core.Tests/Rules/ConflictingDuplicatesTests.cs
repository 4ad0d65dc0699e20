using SmoothInfo.Data;
using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reports;
using SmoothInfo.Rules;
using SmoothInfo.Rules.Kinds;
using static SmoothInfo.Tests.Rules.RuleFixtures;

namespace SmoothInfo.Tests.Rules;

/// <summary>rules.conflictingDuplicates on signals whose duplicate groups are given (DuplicateInputsTests checks how groups are found).</summary>
public sealed class ConflictingDuplicatesTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("duplicates-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    /// <summary>TinyDataset labels sample i with class i % 3: groups {5, 6} and {15, 16, 17} mix labels, {9, 12} does not.</summary>
    private static List<SampleSignals> Grouped(Dataset data)
    {
        var signals = TypicalSignals(data);
        foreach (var (group, members) in new[] { (5, new[] { 5, 6 }), (9, new[] { 9, 12 }), (15, new[] { 15, 16, 17 }) })
            foreach (int i in members) signals[i] = signals[i] with { DuplicateGroup = group };
        return signals;
    }

    [Test]
    public void EveryMemberOfAGroupWithMoreThanOneLabelIsAFinding()
    {
        var data = TinyDataset(60);
        var result = RuleEngine.Evaluate(Grouped(data), SampleCatalog.Of(data), RulesWith(), Baseline.Empty);
        Assert.That(result.Findings.Select(f => f.SampleIndex), Is.EqualTo(new[] { 5, 6, 15, 16, 17 }));
        Assert.That(result.Findings.Select(f => f.Kind.Code), Is.All.EqualTo(ErrorCodes.ConflictingDuplicates));
        Assert.That(result.Passed, Is.False, "they count against the budgets like any finding");
    }

    [Test]
    public void ItTakesPrecedenceOverTheScoreRulesAndTheSwitchTurnsItOff()
    {
        var data = TinyDataset(60);
        var signals = Grouped(data);
        signals[5] = SignalsOf(5, data.Labels[5], 9, looClass: data.Labels[6], looScore: 0.93) with { DuplicateGroup = 5 }; // the twin's label wins

        var on = RuleEngine.Evaluate(signals, SampleCatalog.Of(data), RulesWith(), Baseline.Empty);
        Assert.That(on.Findings.Single(f => f.SampleIndex == 5).Kind, Is.EqualTo(ConflictingDuplicates.Rule));

        var off = RuleEngine.Evaluate(signals, SampleCatalog.Of(data), RulesWith() with { ConflictingDuplicates = new ConflictingDuplicatesRule(false) }, Baseline.Empty);
        Assert.That(off.Findings.Select(f => (f.SampleIndex, f.Kind)), Is.EqualTo(new (int, FindingKind)[] { (5, ScoreKind.Mislabeled) }));
    }

    [Test]
    public void TheMessageSaysIdenticalOrNearAndTheOtherLabels()
    {
        // Samples 0 and 1 have the same features (one content hash), sample 2 is a near copy of them.
        var builder = new DatasetBuilder("data.csv", new[] { 2 }, maxSamples: 100);
        foreach (var (features, label) in new[] { (new[] { 1f, 1f }, "cat"), (new[] { 1f, 1f }, "dog"), (new[] { 1f, 1.001f }, "dog"), (new[] { 5f, 5f }, "cat") })
            builder.Add(features, label, SampleLocator.AtLine("data.csv", builder.Count + 2));
        var data = BuildUnscaled(builder);
        Assert.That(data[0].ContentHash, Is.EqualTo(data[1].ContentHash).And.Not.EqualTo(data[2].ContentHash));
        var signals = TypicalSignals(data).Select(s => s.Index < 3 ? s with { DuplicateGroup = 0 } : s).ToList();

        var report = ReportOf(_root, data, signals, Baseline.Empty);

        string csv = Path.Combine(_root, "data", "train.csv");
        Assert.That(report.Evaluation.Findings.Select(f => FindingText.Message(f, report)), Is.EqualTo(new[]
        {
            $"labelled cat, but its input is identical to 1 other sample and nearly identical to 1 other sample labelled dog ×2 (e.g. {csv}(3), labelled dog): one input, conflicting labels.",
            $"labelled dog, but its input is identical to 1 other sample and nearly identical to 1 other sample labelled cat ×1, dog ×1 (e.g. {csv}(2), labelled cat): one input, conflicting labels.",
            $"labelled dog, but its input is nearly identical to 2 other samples labelled cat ×1, dog ×1 (e.g. {csv}(2), labelled cat): one input, conflicting labels.",
        }));
    }

    [Test]
    public void TheSavedReportKeepsTheGroupsSoReportJudgesThemAgain()
    {
        var data = TinyDataset(60);
        var report = ReportOf(_root, data, Grouped(data), Baseline.Empty);
        string path = Path.Combine(_root, "smoothinfo-report.json");
        JsonReport.Write(path, report);

        var saved = SavedReport.Read(path);

        Assert.That(saved.Output.Signals.Select(s => s.DuplicateGroup), Is.EqualTo(report.Signals.Select(s => s.DuplicateGroup)));
        var again = RuleEngine.Evaluate(saved.Output.Signals.Select(s => s with { Scoring = ScoreSignal.FunctionalSi }).ToList(), saved.Samples, RulesWith(), Baseline.Empty);
        Assert.That(again.Findings.Select(f => (f.SampleIndex, f.Kind.Code)), Is.EqualTo(report.Evaluation.Findings.Select(f => (f.SampleIndex, f.Kind.Code))));
    }
}
