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
/// not measured), whether that distance alone made it a finding, and what the baseline makes of it.
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
    bool InputOutlier,
    FindingStatus Status)
{
    public int SampleIndex => Signals.Index;
    public bool Accepted => Status == FindingStatus.Accepted;
    public bool Open => Status == FindingStatus.Open;
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
    IReadOnlyDictionary<ScoreKind, double> Cutoffs,
    ScoreDistribution? InputResiduals = null,
    double? InputCutoff = null)
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
    /// distance against the input rule's), so 1 or more means a threshold is passed whatever the dataset, and a finding
    /// when its category is enabled. What the detection benchmarks rank by; NaN when no rule is enabled.
    /// </summary>
    public double Decision(SampleSignals signals)
    {
        double decision = double.NaN;
        double cutoff = Cutoffs.TryGetValue(CategoryClassifier.Classify(signals), out double own) ? own
            : Cutoffs.Count > 0 ? Cutoffs.Values.Min() : double.NaN;
        if (cutoff > 0) decision = signals.Score / cutoff;
        if (InputCutoff is { } input && input > 0 && !double.IsNaN(signals.InputResidual))
            decision = double.IsNaN(decision) ? signals.InputResidual / input : Math.Max(decision, signals.InputResidual / input);
        return decision;
    }
}
