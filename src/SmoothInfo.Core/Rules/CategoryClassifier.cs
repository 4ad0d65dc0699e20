using SmoothInfo.Rules.Kinds;

namespace SmoothInfo.Rules;

/// <summary>
/// Which kind of problem an unusually informative sample most likely is, from what the model trained without it
/// predicts (a decision list, first match wins). The cut-offs are on the one-hot target scale and provisional:
/// docs/rules-and-reports.md says how they were chosen and the evidence benchmark measures them.
/// </summary>
public static class CategoryClassifier
{
    /// <summary>Below this for every class, the model trained without the sample places it nowhere.</summary>
    public const double NoClassScore = 0.2;

    /// <summary>At least this for another class: the rest of the data confidently says the label is wrong.</summary>
    public const double ConfidentScore = 0.5;

    /// <summary>
    /// An input far from the data's principal subspace is corrupted unless the model trained without it confidently
    /// agrees with its label: then it is an unusual but consistent sample (a striking pattern, a rare pose), atypical.
    /// </summary>
    public static ScoreKind ClassifyInputOutlier(SampleSignals signals) =>
        signals.LooClass == signals.Label && signals.LooScore >= ConfidentScore ? ScoreKind.Atypical : ScoreKind.Corrupted;

    public static ScoreKind Classify(SampleSignals signals)
    {
        if (signals.LooScore < NoClassScore) return ScoreKind.Corrupted;
        if (signals.LooClass != signals.Label)
            return signals.LooScore >= ConfidentScore ? ScoreKind.Mislabeled : ScoreKind.AdversarialLooking;
        return ScoreKind.Atypical;
    }
}
