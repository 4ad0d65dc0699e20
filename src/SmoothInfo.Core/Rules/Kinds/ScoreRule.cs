using SmoothInfo.Policy.Model;

namespace SmoothInfo.Rules.Kinds;

/// <summary>
/// A sample is a finding when its kind (<see cref="CategoryClassifier"/>) is enabled and its score passes that kind's
/// threshold, or, whatever its score, when its input lies further from the data's principal subspace than the
/// inputOutliers threshold (corrupted, or atypical when the rest of the data confidently agrees with its label; still
/// only if that kind is enabled).
/// </summary>
public sealed class ScoreRule : IFindingRule
{
    public static ScoreRule Instance { get; } = new();

    private ScoreRule() { }

    public IReadOnlyList<FindingKind> Kinds => ScoreKind.All;

    public IEnumerable<Detection> Find(RuleContext context)
    {
        var rules = context.Rules;
        foreach (var s in context.Signals)
        {
            bool inputOutlier = rules.InputOutliers.Enabled && RuleEngine.InputZ(context.InputResiduals, s) > rules.InputOutliers.Threshold;
            var kind = inputOutlier ? CategoryClassifier.ClassifyInputOutlier(s) : CategoryClassifier.Classify(s);
            var rule = kind.Rule(rules);
            if (rule.Enabled && (inputOutlier || context.Scores.Exceeds(s.Score, rule.Kind, rule.Threshold)))
                yield return new Detection(s.Index, kind, inputOutlier ? FindingBasis.InputOutlier : FindingBasis.Score);
        }
    }

    /// <summary>The score each enabled kind's threshold corresponds to on this dataset (what the reports draw).</summary>
    public static IReadOnlyDictionary<ScoreKind, double> Cutoffs(RulesPolicy rules, ScoreDistribution scores) =>
        ScoreKind.All.Where(k => k.Rule(rules).Enabled)
            .ToDictionary(k => k, k => scores.Cutoff(k.Rule(rules).Kind, k.Rule(rules).Threshold));
}
