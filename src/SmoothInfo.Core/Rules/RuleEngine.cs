using SmoothInfo.Policy.Model;
using SmoothInfo.Rules.Kinds;

namespace SmoothInfo.Rules;

/// <summary>
/// Signals to findings: every rule (<see cref="FindingRules"/>, in precedence order) flags samples, each sample becomes
/// at most one finding, of the first rule's kind; the baseline accepts findings by content hash, and its snapshot marks
/// findings on samples it held with the same content and label as unchanged (not counted under
/// rules.unchangedSamples: warning); budgets over the open findings decide pass or fail. An overall budget left unset
/// tolerates no finding.
/// </summary>
public static class RuleEngine
{
    public static RuleEvaluation Evaluate(IReadOnlyList<SampleSignals> signals, SampleCatalog samples, RulesPolicy rules, Baseline baseline)
    {
        var scores = new ScoreDistribution(signals.Select(s => s.Score));
        var measured = signals.Where(s => !double.IsNaN(s.InputResidual)).Select(s => s.InputResidual).ToList();
        var residuals = measured.Count > 0 ? new ScoreDistribution(measured) : null;
        var context = new RuleContext(signals, samples, rules, scores, residuals);
        var detections = new Dictionary<int, Detection>();
        foreach (var rule in FindingRules.All)
            foreach (var detection in rule.Find(context)) detections.TryAdd(detection.Sample, detection);
        var findings = new List<Finding>();
        foreach (var s in signals)
        {
            if (!detections.TryGetValue(s.Index, out var detection)) continue;
            int index = s.Index;
            string hash = samples.ContentHashes[index];
            var status = baseline.Accepts(hash) ? FindingStatus.Accepted
                : rules.UnchangedSamples == UnchangedSamples.Warning && baseline.HoldsUnchanged(hash, samples.ClassNames[s.Label]) ? FindingStatus.Unchanged
                : FindingStatus.Open;
            findings.Add(new Finding(detection.Kind, s, samples.Locators[index], hash, samples.Sources[index],
                scores.PercentileRank(s.Score), scores.RobustZ(s.Score), InputZ(residuals, s), detection.Basis, status));
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
        var cutoffs = ScoreRule.Cutoffs(rules, scores);
        double? inputCutoff = residuals is not null && rules.InputOutliers.Enabled ? residuals.Cutoff(ThresholdKind.RobustZ, rules.InputOutliers.Threshold) : null;
        double? isolationCutoff = rules.IsolatedInputs.Enabled && signals.Any(s => !double.IsNaN(s.Isolation)) ? rules.IsolatedInputs.Threshold : null;
        return new RuleEvaluation(findings, violations, stale, scores, cutoffs, residuals, inputCutoff, isolationCutoff);
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
}
