namespace SmoothInfo.Rules.Kinds;

/// <summary>
/// Inputs the other samples leave unexplained (rules.isolatedInputs): a sample whose isolation, the share of the kernel's
/// variance at its input that the kernel regression trained without it cannot explain, is above the threshold is
/// corrupted (if that kind is enabled), whatever its label. The model trained without such a sample predicts the class
/// frequencies at it, so a corrupted row labelled with the majority class surprises the label rule too little (tables,
/// docs/rules-and-reports.md "Out of the box"). Isolation lies in [0, 1] on every dataset, so the threshold means the same
/// everywhere. Only the gaussian probe measures it; elsewhere it is NaN and this rule flags nothing.
/// </summary>
public sealed class IsolatedInputs : IFindingRule
{
    public static IsolatedInputs Rule { get; } = new();

    private IsolatedInputs() { }

    public IReadOnlyList<FindingKind> Kinds => [ScoreKind.Corrupted];

    public IEnumerable<Detection> Find(RuleContext context)
    {
        var rule = context.Rules.IsolatedInputs;
        if (!rule.Enabled || !ScoreKind.Corrupted.Rule(context.Rules).Enabled) return [];
        // NaN (not measured) is never above the threshold.
        return context.Signals.Where(s => s.Isolation > rule.Threshold).Select(s => new Detection(s.Index, ScoreKind.Corrupted, FindingBasis.IsolatedInput));
    }
}
