using SmoothInfo.Data;
using SmoothInfo.Rules.Kinds;

namespace SmoothInfo.Rules;

/// <summary>
/// Open: the finding counts against the budgets (an error when the gate fails). Unchanged: the baseline's snapshot holds
/// the sample with the same content and label, so the change under review did not cause it (a warning, not counted,
/// under rules.unchangedSamples: warning). Accepted: the baseline accepts it (a message).
/// </summary>
public enum FindingStatus { Open, Unchanged, Accepted }

/// <summary>
/// A sample the rules flag: its kind, its signals, where it stands in the dataset (percentile rank and
/// robust z-score of its score), the robust z-score of its input's distance from the data's principal subspace (NaN when
/// not measured), what made it a finding (its score, that distance, or its isolation), and what the baseline makes of it.
/// </summary>
public sealed record Finding(
    FindingKind Kind,
    SampleSignals Signals,
    SampleLocator Locator,
    string ContentHash,
    string? Source,
    double Percentile,
    double RobustZ,
    double InputZ,
    FindingBasis Basis,
    FindingStatus Status)
{
    public int SampleIndex => Signals.Index;
    public bool InputOutlier => Basis == FindingBasis.InputOutlier;
    public bool Accepted => Status == FindingStatus.Accepted;
    public bool Open => Status == FindingStatus.Open;
}

/// <summary>A budget the non-accepted findings exceed: overall, for one class, or for one data source.</summary>
public sealed record BudgetViolation(string Scope, string? Group, int Count, int Limit, int Samples);

/// <summary>
/// The rules' verdict on a dataset. InputResiduals: the distribution of the inputs' distances from the principal subspace
/// (null when not measured); InputCutoff: the distance the input rule's threshold corresponds to (null when not applied);
/// IsolationCutoff: the isolated-input rule's threshold (null when not applied).
/// </summary>
public sealed record RuleEvaluation(
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<BudgetViolation> Violations,
    IReadOnlyList<BaselineEntry> StaleBaselineEntries,
    ScoreDistribution Scores,
    IReadOnlyDictionary<ScoreKind, double> Cutoffs,
    ScoreDistribution? InputResiduals = null,
    double? InputCutoff = null,
    double? IsolationCutoff = null)
{
    public bool Passed => Violations.Count == 0;

    /// <summary>The findings the budgets count, and the build reports as errors when the gate fails.</summary>
    public IReadOnlyList<Finding> OpenFindings => Findings.Where(f => f.Open).ToList();

    /// <summary>
    /// Findings in the order every report lists them: open, then on unchanged samples, then accepted; within each, the
    /// highest score first, ties by sample order.
    /// </summary>
    public IReadOnlyList<Finding> Ordered => Findings.OrderBy(f => f.Status).ThenByDescending(f => f.Signals.Score)
        .ThenBy(f => f.SampleIndex).ToList();

    /// <summary>Robust z-score of a sample's distance from the data's principal subspace; NaN when not measured.</summary>
    public double InputZ(SampleSignals signals) => RuleEngine.InputZ(InputResiduals, signals);

    /// <summary>
    /// One ranking of every sample by the rules that judge it: the largest ratio of a signal to its rule's cut-off (the
    /// score against its category's, or against the lowest enabled category's when its own is disabled; the input
    /// distance against the input rule's; the isolation against the isolated-input rule's), so above 1 means a threshold
    /// is passed whatever the dataset, and a finding when its category is enabled. What the detection benchmarks rank by;
    /// NaN when no rule is enabled.
    /// </summary>
    private static double Larger(double decision, double ratio) => double.IsNaN(decision) ? ratio : Math.Max(decision, ratio);

    public double Decision(SampleSignals signals)
    {
        double decision = double.NaN;
        double cutoff = Cutoffs.TryGetValue(CategoryClassifier.Classify(signals), out double own) ? own
            : Cutoffs.Count > 0 ? Cutoffs.Values.Min() : double.NaN;
        if (cutoff > 0) decision = signals.Score / cutoff;
        if (InputCutoff is { } input && input > 0 && !double.IsNaN(signals.InputResidual))
            decision = Larger(decision, signals.InputResidual / input);
        if (IsolationCutoff is { } isolation && !double.IsNaN(signals.Isolation))
            decision = Larger(decision, signals.Isolation / isolation);
        return decision;
    }
}
