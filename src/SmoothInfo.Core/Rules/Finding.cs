using SmoothInfo.Data;

namespace SmoothInfo.Rules;

/// <summary>
/// A sample the rules flag: its category, its signals, where it stands in the dataset (percentile rank and
/// robust z-score of its score) and whether the baseline accepts it.
/// </summary>
public sealed record Finding(
    Category Category,
    SampleSignals Signals,
    SampleLocator Locator,
    string ContentHash,
    string? Source,
    double Percentile,
    double RobustZ,
    bool Accepted)
{
    public int SampleIndex => Signals.Index;
}

/// <summary>A budget the non-accepted findings exceed: overall, for one class, or for one data source.</summary>
public sealed record BudgetViolation(string Scope, string? Group, int Count, int Limit, int Samples);

/// <summary>The rules' verdict on a dataset.</summary>
public sealed record RuleEvaluation(
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<BudgetViolation> Violations,
    IReadOnlyList<BaselineEntry> StaleBaselineEntries,
    ScoreDistribution Scores,
    IReadOnlyDictionary<Category, double> Cutoffs)
{
    public bool Passed => Violations.Count == 0;
}
