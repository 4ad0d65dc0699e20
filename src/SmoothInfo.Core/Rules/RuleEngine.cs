using SmoothInfo.Policy.Model;

namespace SmoothInfo.Rules;

/// <summary>
/// Signals to findings: a sample is a finding when its category (<see cref="CategoryClassifier"/>) is enabled and
/// its score passes that category's threshold, or, whatever its score, when its input lies further from the data's
/// principal subspace than the inputOutliers threshold (category corrupted, or atypical when the rest of the data
/// confidently agrees with its label; still only if that category is enabled); the baseline accepts findings by content
/// hash, and its snapshot marks findings on samples it held with the same content and label as unchanged (not counted
/// under rules.unchangedSamples: warning); budgets over the open findings decide pass or fail. An overall budget left unset tolerates no finding.
/// </summary>
public static class RuleEngine
{
    public static RuleEvaluation Evaluate(IReadOnlyList<SampleSignals> signals, SampleCatalog samples, RulesPolicy rules, Baseline baseline)
    {
        var scores = new ScoreDistribution(signals.Select(s => s.Score));
        var measured = signals.Where(s => !double.IsNaN(s.InputResidual)).Select(s => s.InputResidual).ToList();
        var residuals = measured.Count > 0 ? new ScoreDistribution(measured) : null;
        var findings = new List<Finding>();
        foreach (var s in signals)
        {
            double inputZ = InputZ(residuals, s);
            bool inputOutlier = rules.InputOutliers.Enabled && inputZ > rules.InputOutliers.Threshold;
            var category = inputOutlier ? CategoryClassifier.ClassifyInputOutlier(s) : CategoryClassifier.Classify(s);
            var rule = RuleFor(rules, category);
            if (!rule.Enabled || (!inputOutlier && !scores.Exceeds(s.Score, rule.Kind, rule.Threshold))) continue;
            string hash = samples.ContentHashes[s.Index];
            var status = baseline.Accepts(hash) ? FindingStatus.Accepted
                : rules.UnchangedSamples == UnchangedSamples.Warning && baseline.HoldsUnchanged(hash, samples.ClassNames[s.Label]) ? FindingStatus.Unchanged
                : FindingStatus.Open;
            findings.Add(new Finding(category, s, samples.Locators[s.Index], hash, samples.Sources[s.Index],
                scores.PercentileRank(s.Score), scores.RobustZ(s.Score), inputZ, inputOutlier, status));
        }

        var counted = findings.Where(f => f.Open).ToList();
        var violations = new List<BudgetViolation>();
        var overall = rules.Budgets.Overall;
        Check(violations, "overall", null, counted.Count, samples.Count,
            overall.MaxCount is null && overall.MaxFraction is null ? new Budget(0, null) : overall);
        // Group sizes counted once, in one pass over the samples.
        var classSizes = new int[samples.ClassNames.Count];
        foreach (var s in signals) classSizes[s.Label]++;
        var sourceSizes = samples.Sources.Where(s => s is not null).GroupBy(s => s!).ToDictionary(g => g.Key, g => g.Count());
        foreach (var group in counted.GroupBy(f => f.Signals.Label).OrderBy(g => g.Key))
            Check(violations, "class", samples.ClassNames[group.Key], group.Count(), classSizes[group.Key], rules.Budgets.PerClass);
        foreach (var group in counted.Where(f => f.Source is not null).GroupBy(f => f.Source!).OrderBy(g => g.Key, StringComparer.Ordinal))
            Check(violations, "source", group.Key, group.Count(), sourceSizes[group.Key], rules.Budgets.PerSource);

        var flagged = findings.Select(f => f.ContentHash).ToHashSet(StringComparer.Ordinal);
        var stale = baseline.Entries.Where(e => !flagged.Contains(e.ContentHash)).ToList();
        var cutoffs = Enum.GetValues<Category>().Select(c => (c, rule: RuleFor(rules, c))).Where(x => x.rule.Enabled)
            .ToDictionary(x => x.c, x => scores.Cutoff(x.rule.Kind, x.rule.Threshold));
        double? inputCutoff = residuals is not null && rules.InputOutliers.Enabled ? residuals.Cutoff(ThresholdKind.RobustZ, rules.InputOutliers.Threshold) : null;
        return new RuleEvaluation(findings, violations, stale, scores, cutoffs, residuals, inputCutoff);
    }

    /// <summary>Robust z-score of a sample's distance from the data's principal subspace among the measured ones; NaN when not measured.</summary>
    public static double InputZ(ScoreDistribution? residuals, SampleSignals signals) =>
        residuals is null || double.IsNaN(signals.InputResidual) ? double.NaN : residuals.RobustZ(signals.InputResidual);

    /// <summary>The most findings a budget tolerates among this many samples (the stricter of count and fraction), or null.</summary>
    public static int? Limit(Budget budget, int samples)
    {
        long? byFraction = budget.MaxFraction is { } f ? (long)Math.Floor(f * samples + 1e-9) : null;
        long? limit = (budget.MaxCount, byFraction) switch
        {
            (null, null) => null,
            ({ } c, null) => c,
            (null, { } q) => q,
            ({ } c, { } q) => Math.Min(c, q),
        };
        return limit is null ? null : (int)Math.Min(limit.Value, int.MaxValue);
    }

    private static void Check(List<BudgetViolation> violations, string scope, string? group, int count, int samples, Budget budget)
    {
        if (Limit(budget, samples) is { } limit && count > limit)
            violations.Add(new BudgetViolation(scope, group, count, limit, samples));
    }

    private static CategoryRule RuleFor(RulesPolicy rules, Category category) => category switch
    {
        Category.Mislabeled => rules.Mislabeled,
        Category.Corrupted => rules.Corrupted,
        Category.AdversarialLooking => rules.AdversarialLooking,
        Category.Atypical => rules.Atypical,
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };
}
