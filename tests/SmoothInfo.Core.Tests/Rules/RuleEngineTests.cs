using SmoothInfo.Data;
using SmoothInfo.Policy.Model;
using SmoothInfo.Rules;
using SmoothInfo.Rules.Kinds;
using static SmoothInfo.Tests.Rules.RuleFixtures;

namespace SmoothInfo.Tests.Rules;

public sealed class RuleEngineTests
{

    [Test]
    public void OutliersAreClassifiedByWhatTheModelTrainedWithoutThemPredicts()
    {
        var data = TinyDataset(60);
        var signals = TypicalSignals(data);
        signals[4] = SignalsOf(4, data.Labels[4], 9, looClass: (data.Labels[4] + 1) % 3, looScore: 0.93);   // another class, confident
        signals[10] = SignalsOf(10, data.Labels[10], 9, looClass: (data.Labels[10] + 1) % 3, looScore: 0.3); // another class, weakly
        signals[20] = SignalsOf(20, data.Labels[20], 9, looClass: data.Labels[20], looScore: 0.05);          // no class at all
        signals[30] = SignalsOf(30, data.Labels[30], 9, looClass: data.Labels[30], looScore: 0.6);           // its own class

        var result = RuleEngine.Evaluate(signals, SampleCatalog.Of(data), RulesWith(), Baseline.Empty);

        Assert.That(result.Findings.Select(f => (f.SampleIndex, f.Kind)), Is.EqualTo(new (int, FindingKind)[]
        {
            (4, ScoreKind.Mislabeled), (10, ScoreKind.AdversarialLooking), (20, ScoreKind.Corrupted), (30, ScoreKind.Atypical),
        }));
        Assert.That(result.Passed, Is.False, "an unset overall budget tolerates no finding");
        Assert.That(result.Findings[0].Locator, Is.EqualTo(SampleLocator.AtLine("data.csv", 6)));
        Assert.That(result.Findings[0].Percentile, Is.GreaterThan(90));
    }

    [Test]
    public void TheDecisionIsTheLargestRatioOfASignalToItsCutoffAndReachesOneExactlyAtTheFindings()
    {
        var data = TinyDataset(40);
        var signals = TypicalSignals(data).Select(s => s with { InputResidual = 1 + 0.1 * (s.Index % 7) }).ToList();
        signals[5] = SignalsOf(5, data.Labels[5], 9, looClass: (data.Labels[5] + 1) % 3, looScore: 0.93) with { InputResidual = 1.2 };
        signals[7] = signals[7] with { InputResidual = 40 };
        var rules = RulesWith() with { Mislabeled = new CategoryRule(true, ThresholdKind.Absolute, 3), Atypical = new CategoryRule(true, ThresholdKind.Absolute, 3) };

        var result = RuleEngine.Evaluate(signals, SampleCatalog.Of(data), rules, Baseline.Empty);

        Assert.That(result.Decision(signals[5]), Is.EqualTo(Math.Max(9.0 / 3, signals[5].InputResidual / result.InputCutoff!.Value)).Within(1e-12));
        Assert.That(result.Decision(signals[7]), Is.EqualTo(40 / result.InputCutoff!.Value).Within(1e-12));
        var flagged = signals.Where(s => result.Decision(s) >= 1).Select(s => s.Index);
        Assert.That(flagged, Is.EqualTo(result.Findings.Select(f => f.SampleIndex)));
    }

    [Test]
    public void ADisabledCategoryFindsNothing()
    {
        var data = TinyDataset(30);
        var signals = TypicalSignals(data);
        signals[3] = SignalsOf(3, data.Labels[3], 9, looClass: data.Labels[3], looScore: 0.6);
        var result = RuleEngine.Evaluate(signals, SampleCatalog.Of(data), RulesWith(atypical: RobustZ35 with { Enabled = false }), Baseline.Empty);
        Assert.That(result.Findings, Is.Empty);
        Assert.That(result.Passed, Is.True);
    }

    [Test]
    public void AnInputFarFromThePrincipalSubspaceIsACorruptedFindingWhateverItsScore()
    {
        var data = TinyDataset(30);
        // Typical scores and predictions everywhere; residuals spread 1.0 to 1.6, one input far away, one not measured.
        var signals = TypicalSignals(data).Select(s => s with { InputResidual = 1 + 0.1 * (s.Index % 7) }).ToList();
        signals[8] = SignalsOf(8, data.Labels[8], 1, looClass: data.Labels[8], looScore: 0.3) with { InputResidual = 40 };
        signals[9] = signals[9] with { InputResidual = double.NaN };
        signals[12] = signals[12] with { InputResidual = 45 }; // the rest of the data confidently agrees with its label (0.9)

        var result = RuleEngine.Evaluate(signals, SampleCatalog.Of(data), RulesWith(), Baseline.Empty);

        Assert.That(result.Findings.Select(f => (f.SampleIndex, f.Kind, f.Basis)), Is.EqualTo(new (int, FindingKind, FindingBasis)[]
            { (8, ScoreKind.Corrupted, FindingBasis.InputOutlier), (12, ScoreKind.Atypical, FindingBasis.InputOutlier) }));
        var finding = result.Findings[0];
        Assert.That(finding.InputZ, Is.EqualTo(result.InputZ(signals[8])).And.GreaterThan(5));
        Assert.That(result.InputZ(signals[9]), Is.NaN);
        Assert.That(RuleEngine.Evaluate(signals, SampleCatalog.Of(data), RulesWith(inputOutliers: InputZ5 with { Enabled = false }), Baseline.Empty).Findings,
            Is.Empty, "disabled");
        Assert.That(RuleEngine.Evaluate(signals, SampleCatalog.Of(data), RulesWith(atypical: RobustZ35 with { Enabled = false }), Baseline.Empty)
            .Findings.Select(f => f.SampleIndex), Is.EqualTo(new[] { 8 }), "a disabled category stays silent, whichever rule would find it");
        Assert.That(RuleEngine.Evaluate(signals, SampleCatalog.Of(data), RulesWith(inputOutliers: InputZ5 with { Threshold = 1e6 }), Baseline.Empty).Findings,
            Is.Empty, "below a higher threshold");
    }

    [Test]
    public void WithoutMeasuredResidualsTheInputRuleFlagsNothing()
    {
        var data = TinyDataset(30);
        var result = RuleEngine.Evaluate(TypicalSignals(data), SampleCatalog.Of(data), RulesWith(), Baseline.Empty);
        Assert.That(result.Findings, Is.Empty);
        Assert.That(result.InputResiduals, Is.Null);
    }

    [TestCase(ThresholdKind.Absolute, 8.0, 1)]
    [TestCase(ThresholdKind.Absolute, 9.5, 0)]
    [TestCase(ThresholdKind.Quantile, 0.9, 1)] // the 0.9 quantile is the tied top typical score: only the outlier is above
    [TestCase(ThresholdKind.Quantile, 0.8, 5)] // the four tied 1.06 scores and the outlier
    public void ThresholdKinds(ThresholdKind kind, double threshold, int expected)
    {
        var data = TinyDataset(30);
        var signals = TypicalSignals(data);
        signals[3] = SignalsOf(3, data.Labels[3], 9, looClass: data.Labels[3], looScore: 0.6);
        var rule = new CategoryRule(true, kind, threshold);
        var rules = new RulesPolicy(ScoreSignal.FunctionalSi, rule, rule, rule, rule, InputZ5, new BudgetsPolicy(Unset, Unset, Unset));
        Assert.That(RuleEngine.Evaluate(signals, SampleCatalog.Of(data), rules, Baseline.Empty).Findings, Has.Count.EqualTo(expected));
    }

    [Test]
    public void BudgetsOverallPerClassAndPerSource()
    {
        var data = TinyDataset(60);
        var signals = TypicalSignals(data);
        foreach (int i in new[] { 0, 3, 6, 40 }) signals[i] = SignalsOf(i, data.Labels[i], 9, looClass: data.Labels[i], looScore: 0.6);
        // Samples 0, 3, 6 are class 0 and from "crawl"; 40 is class 1 and from "vendor".
        var result = RuleEngine.Evaluate(signals, SampleCatalog.Of(data),
            RulesWith(overall: new Budget(10, null), perClass: new Budget(null, 0.1), perSource: new Budget(2, null)), Baseline.Empty);

        Assert.That(result.Violations, Is.EqualTo(new[]
        {
            new BudgetViolation("class", "0", 3, 2, 20),
            new BudgetViolation("source", "crawl", 3, 2, 30),
        }));
    }

    [Test]
    public void TheBaselineAcceptsByContentHashAndReportsStaleEntries()
    {
        var data = TinyDataset(30);
        var signals = TypicalSignals(data);
        signals[5] = SignalsOf(5, data.Labels[5], 9, looClass: data.Labels[5], looScore: 0.6);
        var baseline = new Baseline(new[]
        {
            new BaselineEntry(data[5].ContentHash, "atypical", "renamed.csv(7)", null),
            new BaselineEntry("no-such-hash", "mislabeled", "gone.csv(3)", null),
        });
        var result = RuleEngine.Evaluate(signals, SampleCatalog.Of(data), RulesWith(), baseline);
        Assert.That(result.Findings.Single().Accepted, Is.True);
        Assert.That(result.Passed, Is.True, "accepted findings do not fail the build");
        Assert.That(result.StaleBaselineEntries.Select(e => e.ContentHash), Is.EqualTo(new[] { "no-such-hash" }));
    }

    [Test]
    public void BaselineRoundTripsThroughItsFile()
    {
        var data = TinyDataset(30);
        var signals = TypicalSignals(data);
        signals[5] = SignalsOf(5, data.Labels[5], 9, looClass: data.Labels[5], looScore: 0.6);
        var findings = RuleEngine.Evaluate(signals, SampleCatalog.Of(data), RulesWith(), Baseline.Empty).Findings;
        string path = Path.Combine(Directory.CreateTempSubdirectory("baseline-").FullName, "baseline.json");
        var keys = Enumerable.Range(0, data.Count).Select(i => Baseline.SampleKey(data[i].ContentHash, data.ClassNames[data.Labels[i]])).ToList();
        Baseline.Write(path, findings, keys);
        var loaded = Baseline.Load(path);
        Assert.That(loaded.Accepts(data[5].ContentHash), Is.True);
        Assert.That(loaded.Entries.Single().Locator, Is.EqualTo("data.csv(7)"));
        Assert.That(loaded.Snapshot, Is.EquivalentTo(keys.Distinct()));
        Assert.That(loaded.HoldsUnchanged(data[3].ContentHash, data.ClassNames[data.Labels[3]]), Is.True);
    }

    [Test]
    public void ASampleKeyChangesWithTheContentOrTheLabelAndNothingElse()
    {
        string key = Baseline.SampleKey("abc", "cat");
        Assert.That(Baseline.SampleKey("abc", "cat"), Is.EqualTo(key));
        Assert.That(Baseline.SampleKey("abd", "cat"), Is.Not.EqualTo(key));
        Assert.That(Baseline.SampleKey("abc", "dog"), Is.Not.EqualTo(key));
        Assert.That(Baseline.SampleKey("ab", "ccat"), Is.Not.EqualTo(key), "the separator keeps content and label apart");
        Assert.That(key, Does.Match("^[0-9a-f]{16}$"));
    }

    [Test]
    public void OnlySamplesTheChangeAddsOrAltersCountAgainstTheBudgets()
    {
        var data = TinyDataset(30);
        // The baseline was made on every sample as it is, except sample 8, whose label has since changed.
        var snapshot = Enumerable.Range(0, data.Count)
            .Select(i => Baseline.SampleKey(data[i].ContentHash, data.ClassNames[i == 8 ? (data.Labels[i] + 1) % 3 : data.Labels[i]])).ToHashSet();
        var baseline = new Baseline(Array.Empty<BaselineEntry>(), snapshot);
        var signals = TypicalSignals(data);
        foreach (int i in new[] { 5, 8 }) signals[i] = SignalsOf(i, data.Labels[i], 9, looClass: data.Labels[i], looScore: 0.6);

        var result = RuleEngine.Evaluate(signals, SampleCatalog.Of(data), RulesWith(), baseline);
        Assert.That(result.Findings.Select(f => (f.SampleIndex, f.Status)),
            Is.EqualTo(new[] { (5, FindingStatus.Unchanged), (8, FindingStatus.Open) }));
        Assert.That(result.OpenFindings.Select(f => f.SampleIndex), Is.EqualTo(new[] { 8 }));
        Assert.That(result.Violations.Single().Count, Is.EqualTo(1), "the unchanged sample's finding is not counted");
        Assert.That(result.Ordered.Select(f => f.SampleIndex), Is.EqualTo(new[] { 8, 5 }), "open findings first");

        var strict = RuleEngine.Evaluate(signals, SampleCatalog.Of(data), RulesWith() with { UnchangedSamples = UnchangedSamples.Error }, baseline);
        Assert.That(strict.OpenFindings.Select(f => f.SampleIndex), Is.EqualTo(new[] { 5, 8 }), "unchangedSamples: error counts every finding");
        var noSnapshot = RuleEngine.Evaluate(signals, SampleCatalog.Of(data), RulesWith(), Baseline.Empty);
        Assert.That(noSnapshot.OpenFindings, Has.Count.EqualTo(2), "without a snapshot every sample is new");
    }

    [Test]
    public void ABaselineOfSchemaVersionOneStillLoadsWithoutASnapshot()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("baseline-").FullName, "baseline.json");
        File.WriteAllText(path, "{\n  \"schemaVersion\": 1,\n  \"accepted\": [ { \"contentHash\": \"ab\", \"category\": \"corrupted\", \"locator\": \"x.csv(2)\" } ]\n}\n");
        var loaded = Baseline.Load(path);
        Assert.That(loaded.Accepts("ab"), Is.True);
        Assert.That(loaded.Snapshot, Is.Null);
        Assert.That(loaded.HoldsUnchanged("ab", "0"), Is.False);
    }

    [Test]
    public void AMalformedBaselineIsAnInputErrorWithItsLine()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("baseline-").FullName, "baseline.json");
        File.WriteAllText(path, "{\n  \"schemaVersion\": 1,\n  \"accepted\": [ { \"contentHash\": 12 } ]\n}\n");
        var e = Assert.Throws<SmoothInfo.Diagnostics.InputException>(() => Baseline.Load(path))!;
        Assert.That(e.Code, Is.EqualTo("SI2401"));
        Assert.That(e.Location!.Line, Is.EqualTo(3));
    }

    [Test]
    public void RobustStatisticsOfAKnownSample()
    {
        var scores = new ScoreDistribution(new[] { 1.0, 2, 3, 4, 100 });
        Assert.That(scores.Median, Is.EqualTo(3));
        Assert.That(scores.RobustZ(100), Is.EqualTo(97 / 1.4826).Within(1e-12)); // MAD of {2,1,0,1,97} is 1
        Assert.That(scores.Quantile(0.75), Is.EqualTo(4));
        Assert.That(scores.PercentileRank(4), Is.EqualTo(80));
        Assert.That(scores.Cutoff(ThresholdKind.RobustZ, 2), Is.EqualTo(3 + 2 * 1.4826).Within(1e-12));
        Assert.That(scores.Exceeds(scores.Cutoff(ThresholdKind.Quantile, 0.6) + 1e-9, ThresholdKind.Quantile, 0.6), Is.True);
    }

    [Test]
    public void RobustZFallsBackToTheMeanAbsoluteDeviationWhenMostScoresAreEqual()
    {
        // Median 0 and MAD 0: the mean absolute deviation (0 + 0 + 0 + 1 + 4) / 5 = 1 sets the scale.
        var scores = new ScoreDistribution(new[] { 0.0, 0, 0, 1, 4 });
        Assert.That(scores.RobustZ(4), Is.EqualTo(4 / 1.2533).Within(1e-12));
        Assert.That(scores.Exceeds(1, ThresholdKind.RobustZ, 3.5), Is.False);
        Assert.That(new ScoreDistribution(new[] { 2.0, 2, 2 }).RobustZ(3), Is.EqualTo(double.PositiveInfinity), "a constant dataset has no scale");
    }

    [TestCase(0.9, 1.0, 0.005)]    // (1 - 0.9)^2 / 2
    [TestCase(-0.5, 1.0, 1.125)]   // predicting against the label: (1.5)^2 / 2
    [TestCase(1.3, 1.0, 0.0)]      // beyond the one-hot target: no surprise
    [TestCase(0.0, 0.5, 2.0)]      // sigma 0.5: 1 / (2 * 0.25)
    public void LabelSurpriseIsTheSquaredShortfallOfTheLabelInNats(double atLabel, double sigma, double expected)
    {
        var signals = new SampleSignals(0, 1, 7, 9, new[] { 0.2, atLabel, 0.1 }) { Sigma = sigma };
        Assert.That(signals.LabelSurprise, Is.EqualTo(expected).Within(1e-12));
        Assert.That((signals with { Scoring = ScoreSignal.LabelSurprise }).Score, Is.EqualTo(expected).Within(1e-12));
        Assert.That((signals with { Scoring = ScoreSignal.FunctionalSi }).Score, Is.EqualTo(9));
        Assert.That((signals with { Scoring = ScoreSignal.WeightSi }).Score, Is.EqualTo(7));
    }
}
