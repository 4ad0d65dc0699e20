using System.Globalization;
using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Rules.Kinds;

/// <summary>
/// The kinds an unusually high score (or an input far from the principal subspace) is sorted into by what the model
/// trained without the sample predicts (<see cref="CategoryClassifier"/>); each has its own threshold in the policy.
/// The message says what the label is, how the model trained without the sample scores it, and how much unique
/// information it carries. The scores are regression outputs on the one-hot targets' scale, not probabilities: they can
/// exceed 1 or fall below 0, so the text says "scores ... on the one-hot scale" rather than calling 1.1 a prediction.
/// </summary>
public sealed class ScoreKind : FindingKind
{
    public static readonly ScoreKind Mislabeled = new(ErrorCodes.Mislabeled, "mislabeled", "#e45756",
        "correct the label, remove the sample, or accept it into the baseline (smoothinfo baseline)", rules => rules.Mislabeled);
    public static readonly ScoreKind Corrupted = new(ErrorCodes.Corrupted, "corrupted", "#b279a2",
        "replace or remove the sample, or accept it into the baseline (smoothinfo baseline)", rules => rules.Corrupted);
    public static readonly ScoreKind AdversarialLooking = new(ErrorCodes.AdversarialLooking, "adversarial-looking", "#f58518",
        "check where the sample came from and remove it, or accept it into the baseline (smoothinfo baseline)", rules => rules.AdversarialLooking);
    public static readonly ScoreKind Atypical = new(ErrorCodes.Atypical, "atypical", "#54a24b",
        "check that the sample is genuine; keep it by accepting it into the baseline (smoothinfo baseline)", rules => rules.Atypical);

    public static IReadOnlyList<ScoreKind> All { get; } = [Mislabeled, Corrupted, AdversarialLooking, Atypical];

    private readonly Func<RulesPolicy, CategoryRule> _rule;

    private ScoreKind(string code, string name, string colour, string fix, Func<RulesPolicy, CategoryRule> rule)
        : base(code, name, colour, $"A training sample that looks {name}: it carries unusually much unique information.", fix) => _rule = rule;

    /// <summary>This kind's threshold in the policy (rules.mislabeled and so on).</summary>
    public CategoryRule Rule(RulesPolicy rules) => _rule(rules);

    public override string Message(Finding finding, FindingContext context)
    {
        var s = finding.Signals;
        var classes = context.Samples.ClassNames;
        string label = classes[s.Label];
        string prediction = s.LooClass == s.Label
            ? s.LooScore >= CategoryClassifier.ConfidentScore
                ? $"the model trained without it scores {label} {NumberText.Format(s.LooScore)} on the one-hot scale"
                : $"the model trained without it still scores {label} highest but only {NumberText.Format(s.LooScore)} on the one-hot scale"
            : $"the model trained without it scores {classes[s.LooClass]} {NumberText.Format(s.LooScore)} on the one-hot scale";
        if (finding.Basis == FindingBasis.IsolatedInput)
            prediction = $"the model trained without it predicts about the class frequencies (highest: {classes[s.LooClass]} {NumberText.Format(s.LooScore)} on the one-hot scale)";
        else if (this == Corrupted && !finding.InputOutlier)
            prediction = $"the model trained without it places it in no class (highest: {classes[s.LooClass]} {NumberText.Format(s.LooScore)} on the one-hot scale)";
        string input = finding.Basis switch
        {
            FindingBasis.InputOutlier =>
                $"its input lies far from the subspace that holds {PrincipalSubspaceResidual.VarianceFraction * 100:F0}% of the dataset's variance (robust z {NumberText.Format(finding.InputZ)}); ",
            FindingBasis.IsolatedInput =>
                $"no other sample lies near its input (they leave {(s.Isolation * 100).ToString("F1", CultureInfo.InvariantCulture)}% of the kernel's variance there unexplained); ",
            _ => "",
        };
        return $"{NumberText.RecordPrefix(finding.Locator)}labelled {label}, {input}{prediction}; {context.ScoreName} {NumberText.Format(s.Score)} nats " +
               $"({NumberText.Ordinal(finding.Percentile)} percentile, robust z {NumberText.Format(finding.RobustZ)}): likely {Name}.";
    }
}
