using SmoothInfo.Policy.Model;

namespace SmoothInfo.Rules.Kinds;

/// <summary>What made a sample a finding: its score, its input's distance from the principal subspace, or its isolation in the kernel.</summary>
public enum FindingBasis { Score, InputOutlier, IsolatedInput }

/// <summary>One sample a rule flags, with its kind, and what made it a finding.</summary>
public sealed record Detection(int Sample, FindingKind Kind, FindingBasis Basis = FindingBasis.Score);

/// <summary>
/// Everything a rule may judge by: the signals (scoring set), what is known about the samples, the policy's rules and the
/// distributions of the scores and of the inputs' distances from the principal subspace (null when not measured).
/// </summary>
public sealed record RuleContext(IReadOnlyList<SampleSignals> Signals, SampleCatalog Samples, RulesPolicy Rules,
    ScoreDistribution Scores, ScoreDistribution? InputResiduals);

/// <summary>How samples become findings of some kinds: the policy says whether the rule is on and how strict it is.</summary>
public interface IFindingRule
{
    /// <summary>The kinds this rule's detections can have.</summary>
    IReadOnlyList<FindingKind> Kinds { get; }

    /// <summary>The samples this rule flags, each at most once.</summary>
    IEnumerable<Detection> Find(RuleContext context);
}
