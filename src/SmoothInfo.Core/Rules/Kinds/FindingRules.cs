namespace SmoothInfo.Rules.Kinds;

/// <summary>Every rule, in precedence order: a sample two rules flag is a finding of the first one's kind only.</summary>
public static class FindingRules
{
    /// <summary>
    /// Conflicting duplicates first: "one input, several labels" names the problem more precisely than a high score,
    /// which such samples usually also have. Isolated inputs before the score: the model trained without such a sample
    /// predicts the prior at it, so what its score says about the label (e.g. "mislabeled") has no basis.
    /// </summary>
    public static IReadOnlyList<IFindingRule> All { get; } = [ConflictingDuplicates.Rule, IsolatedInputs.Rule, ScoreRule.Instance];

    /// <summary>Every kind of finding, in the order of their codes (SARIF's rules, the summaries' counts); rules may share a kind.</summary>
    public static IReadOnlyList<FindingKind> Kinds { get; } = All.SelectMany(r => r.Kinds).Distinct().Order().ToList();
}
