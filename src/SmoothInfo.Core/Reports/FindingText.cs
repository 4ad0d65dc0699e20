using SmoothInfo.Estimation;
using SmoothInfo.Rules;

namespace SmoothInfo.Reports;

/// <summary>
/// One wording of a finding for every output (build diagnostics, SARIF, Markdown, HTML): its kind's message
/// (<see cref="Rules.Kinds.FindingKind.Message"/>), why it does not count, and the wording of budgets and measurements.
/// </summary>
public static class FindingText
{
    public static string Message(Finding finding, GateReport report) => finding.Kind.Message(finding, report.FindingContext);

    /// <summary>Said after a finding that does not count against the budgets, with why.</summary>
    public static string StatusNote(Finding finding) => finding.Status switch
    {
        FindingStatus.Accepted => " (accepted in the baseline)",
        FindingStatus.Unchanged => " (this sample is unchanged since the baseline: its score moved because other samples changed; a warning, not counted)",
        _ => "",
    };

    /// <summary>Which F-SI the estimator measured: on the held-out set (the paper's definition), or on the other training samples.</summary>
    public static string FunctionalSIName(SolverReport solver) =>
        solver.HeldOutSamples > 0 ? $"held-out F-SI ({solver.HeldOutSamples} held-out samples)" : "training-set F-SI";

    /// <summary>
    /// What was measured beyond the score, one line each, for every report to show: which F-SI, and the SGD-noise weight SI
    /// with its noise scale. Empty when neither was measured.
    /// </summary>
    public static IReadOnlyList<(string Name, string Text)> Measurements(GateReport report)
    {
        var lines = new List<(string, string)>();
        if (report.Signals.Any(s => !double.IsNaN(s.FunctionalSI)))
            lines.Add(("F-SI", report.Solver.HeldOutSamples > 0
                ? $"on the held-out set ({report.Solver.HeldOutSamples} samples): the squared change of their predictions when a training sample is left out, / (2σ²)"
                : "on the training set: the squared change of the other training samples' predictions when a sample is left out, / (2σ²)"));
        var sgd = report.Signals.Select(s => s.WeightSISgd).Where(v => !double.IsNaN(v)).OrderBy(v => v).ToList();
        if (sgd.Count > 0)
            lines.Add(("SGD-noise weight SI", $"weights smoothed by the stationary SGD noise covariance (learning rate / batch size = {NumberText.Format(report.Solver.SgdNoiseScale ?? double.NaN)}): " +
                $"median {NumberText.Format(sgd[sgd.Count / 2])} nats, largest {NumberText.Format(sgd[^1])} nats"));
        return lines;
    }

    /// <summary>Where the sample is, for people: its file relative to the repository root, then (line) or [record index].</summary>
    public static string Place(Finding finding, string repositoryRoot)
    {
        var locator = finding.Locator;
        string suffix = locator.Line > 0 ? $"({locator.Line})" : locator.Index >= 0 ? $"[{locator.Index}]" : "";
        return SarifReport.RelativeUri(locator.File, repositoryRoot) + suffix;
    }

    public static string Budget(BudgetViolation violation)
    {
        string findings = violation.Count == 1 ? "1 finding" : $"{violation.Count} findings";
        string exceed = violation.Count == 1 ? "exceeds" : "exceed";
        return violation.Scope == "overall"
            ? $"{findings} among {violation.Samples} samples {exceed} the overall budget of {violation.Limit}."
            : $"{findings} among the {violation.Samples} samples of {violation.Scope} '{violation.Group}' {exceed} its budget of {violation.Limit}.";
    }
}
