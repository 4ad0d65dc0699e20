using SmoothInfo.Policy.Model;
using SmoothInfo.Reports;
using SmoothInfo.Rules;
using SmoothInfo.Rules.Kinds;
using static SmoothInfo.Tests.Rules.RuleFixtures;

namespace SmoothInfo.Tests.Rules;

/// <summary>rules.isolatedInputs on given isolations (ClassSharedLeaveOneOutTests checks how isolation is measured).</summary>
public sealed class IsolatedInputsTests
{
    /// <summary>Typical samples with isolations 0.05 to 0.65; sample 8 is isolated with a typical score, sample 4 isolated and
    /// mislabeled by its score, sample 11 just below the threshold, sample 13 not measured.</summary>
    private static List<SampleSignals> Isolations(SmoothInfo.Data.Dataset data)
    {
        var signals = TypicalSignals(data).Select(s => s with { Isolation = 0.05 + 0.1 * (s.Index % 7) }).ToList();
        signals[4] = SignalsOf(4, data.Labels[4], 9, looClass: (data.Labels[4] + 1) % 3, looScore: 0.93) with { Isolation = 0.999 };
        signals[8] = signals[8] with { Isolation = 0.99 };
        signals[11] = signals[11] with { Isolation = 0.98 };
        signals[13] = signals[13] with { Isolation = double.NaN };
        return signals;
    }

    [Test]
    public void AnInputAboveTheThresholdIsCorruptedWhateverItsScoreOrLabel()
    {
        var data = TinyDataset(30);
        var result = RuleEngine.Evaluate(Isolations(data), SampleCatalog.Of(data), RulesWith(), Baseline.Empty);
        Assert.That(result.Findings.Select(f => (f.SampleIndex, f.Kind, f.Basis)), Is.EqualTo(new (int, FindingKind, FindingBasis)[]
        {
            (4, ScoreKind.Corrupted, FindingBasis.IsolatedInput), (8, ScoreKind.Corrupted, FindingBasis.IsolatedInput),
        }), "the threshold is exclusive (0.98 stays), NaN is never a finding, and isolation wins over the score's 'mislabeled'");
        Assert.That(RulesWith().IsolatedInputs, Is.EqualTo(new IsolatedInputRule(true, 0.98)), "the model's default, as the schema's");
    }

    [Test]
    public void TheSwitchTheThresholdAndADisabledCorruptedCategoryTurnItOff()
    {
        var data = TinyDataset(30);
        var signals = Isolations(data);
        IEnumerable<(int, FindingKind)> Found(RulesPolicy rules) =>
            RuleEngine.Evaluate(signals, SampleCatalog.Of(data), rules, Baseline.Empty).Findings.Select(f => (f.SampleIndex, f.Kind));
        Assert.That(Found(RulesWith() with { IsolatedInputs = new IsolatedInputRule(false, 0.98) }),
            Is.EqualTo(new (int, FindingKind)[] { (4, ScoreKind.Mislabeled) }), "off: the score decides");
        Assert.That(Found(RulesWith() with { IsolatedInputs = new IsolatedInputRule(true, 0.995) }),
            Is.EqualTo(new (int, FindingKind)[] { (4, ScoreKind.Corrupted) }));
        Assert.That(Found(RulesWith() with { Corrupted = RobustZ35 with { Enabled = false } }),
            Is.EqualTo(new (int, FindingKind)[] { (4, ScoreKind.Mislabeled) }), "a disabled category stays silent, whichever rule would find it");
    }

    [Test]
    public void TheDecisionIsTheIsolationOverTheThresholdWhereThatIsLarger()
    {
        var data = TinyDataset(30);
        var signals = Isolations(data);
        var rules = RulesWith() with { Mislabeled = new CategoryRule(true, ThresholdKind.Absolute, 3), Atypical = new CategoryRule(true, ThresholdKind.Absolute, 3) };

        var result = RuleEngine.Evaluate(signals, SampleCatalog.Of(data), rules, Baseline.Empty);

        Assert.That(result.IsolationCutoff, Is.EqualTo(0.98));
        Assert.That(result.Decision(signals[8]), Is.EqualTo(0.99 / 0.98).Within(1e-12));
        Assert.That(result.Decision(signals[4]), Is.EqualTo(9.0 / 3).Within(1e-12), "its score's ratio is larger");
        Assert.That(result.Decision(signals[13]), Is.EqualTo(signals[13].Score / 3).Within(1e-12), "not measured: the score alone");
        Assert.That(signals.Where(s => result.Decision(s) > 1).Select(s => s.Index), Is.EqualTo(result.Findings.Select(f => f.SampleIndex)));
        var unmeasured = RuleEngine.Evaluate(TypicalSignals(data), SampleCatalog.Of(data), rules, Baseline.Empty);
        Assert.That(unmeasured.IsolationCutoff, Is.Null, "no sample measured: the rule does not apply");
    }

    [Test]
    public void TheMessageSaysNoOtherSampleIsNearAndWhatTheModelPredicts()
    {
        var data = TinyDataset(30);
        var report = ReportOf(Path.GetTempPath(), data, Isolations(data), Baseline.Empty);
        var finding = report.Evaluation.Findings.Single(f => f.SampleIndex == 8);
        Assert.That(FindingText.Message(finding, report), Does.StartWith(
            $"labelled {data.ClassNames[data.Labels[8]]}, no other sample lies near its input (they leave 99.0% of the kernel's variance there unexplained); " +
            $"the model trained without it predicts about the class frequencies (highest: {data.ClassNames[data.Labels[8]]} 0.9 on the one-hot scale); F-SI "));
        Assert.That(FindingText.Message(finding, report), Does.EndWith("likely corrupted."));
    }

    [Test]
    public void TheSavedReportKeepsTheIsolationsSoReportJudgesThemAgain()
    {
        var data = TinyDataset(30);
        string root = Directory.CreateTempSubdirectory("isolated-").FullName;
        var report = ReportOf(root, data, Isolations(data), Baseline.Empty);
        string path = Path.Combine(root, "smoothinfo-report.json");
        JsonReport.Write(path, report);

        var saved = SavedReport.Read(path);
        Directory.Delete(root, recursive: true);

        Assert.That(saved.Output.Signals.Select(s => s.Isolation), Is.EqualTo(report.Signals.Select(s => s.Isolation)));
        var again = RuleEngine.Evaluate(saved.Output.Signals.Select(s => s with { Scoring = ScoreSignal.FunctionalSi }).ToList(), saved.Samples, RulesWith(), Baseline.Empty);
        Assert.That(again.Findings.Select(f => (f.SampleIndex, f.Kind.Code, f.Basis)),
            Is.EqualTo(report.Evaluation.Findings.Select(f => (f.SampleIndex, f.Kind.Code, f.Basis))));
    }
}
