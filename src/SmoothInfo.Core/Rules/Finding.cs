using SmoothInfo.Data;

namespace SmoothInfo.Rules;

/// <summary>
/// A sample the rules flag: its category, its signals, where it stands in the dataset (percentile rank and
/// robust z-score of its score), the robust z-score of its input's distance from the data's principal subspace (NaN when
/// not measured), whether that distance alone made it a finding, and whether the baseline accepts it.
/// </summary>
public sealed record Finding(
    Category Category,
    SampleSignals Signals,
    SampleLocator Locator,
    string ContentHash,
    string? Source,
    double Percentile,
    double RobustZ,
    double InputZ,
    bool InputOutlier,
    bool Accepted)
{
    public int SampleIndex => Signals.Index;
}

/// <summary>A budget the non-accepted findings exceed: overall, for one class, or for one data source.</summary>
public sealed record BudgetViolation(string Scope, string? Group, int Count, int Limit, int Samples);

/// <summary>
/// The rules' verdict on a dataset. InputResiduals: the distribution of the inputs' distances from the principal subspace
/// (null when not measured); InputCutoff: the distance the input rule's threshold corresponds to (null when not applied).
/// </summary>
public sealed record RuleEvaluation(
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<BudgetViolation> Violations,
    IReadOnlyList<BaselineEntry> StaleBaselineEntries,
    ScoreDistribution Scores,
    IReadOnlyDictionary<Category, double> Cutoffs,
    ScoreDistribution? InputResiduals = null,
    double? InputCutoff = null)
{
    public bool Passed => Violations.Count == 0;

    /// <summary>Robust z-score of a sample's distance from the data's principal subspace; NaN when not measured.</summary>
    public double InputZ(SampleSignals signals) => RuleEngine.InputZ(InputResiduals, signals);
}
