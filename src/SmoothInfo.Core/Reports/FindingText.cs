using System.Globalization;
using SmoothInfo.Estimation;
using SmoothInfo.Rules;

namespace SmoothInfo.Reports;

/// <summary>
/// One wording of a finding for every output (build diagnostics, SARIF, Markdown, HTML): what the label says, how the
/// model trained without the sample scores it, how much unique information it carries and where that stands. The
/// scores are regression outputs on the one-hot targets' scale, not probabilities: they can exceed 1 or fall below 0,
/// so the text says "scores ... on the one-hot scale" rather than calling a number like 1.1 a prediction.
/// </summary>
public static class FindingText
{
    public static string Message(Finding finding, GateReport report)
    {
        var s = finding.Signals;
        string label = report.ClassNames[s.Label];
        string prediction = s.LooClass == s.Label
            ? s.LooScore >= CategoryClassifier.ConfidentScore
                ? $"the model trained without it scores {label} {Number(s.LooScore)} on the one-hot scale"
                : $"the model trained without it still scores {label} highest but only {Number(s.LooScore)} on the one-hot scale"
            : $"the model trained without it scores {report.ClassNames[s.LooClass]} {Number(s.LooScore)} on the one-hot scale";
        if (finding.Category == Category.Corrupted && !finding.InputOutlier)
            prediction = $"the model trained without it places it in no class (highest: {report.ClassNames[s.LooClass]} {Number(s.LooScore)} on the one-hot scale)";
        string where = finding.Locator.Line > 0 ? "" : finding.Locator.Index >= 0 ? $"sample {finding.Locator.Index}: " : "";
        string input = finding.InputOutlier
            ? $"its input lies far from the subspace that holds {PrincipalSubspaceResidual.VarianceFraction * 100:F0}% of the dataset's variance (robust z {Number(finding.InputZ)}); "
            : "";
        return $"{where}labelled {label}, {input}{prediction}; {report.ScoreName} {Number(s.Score)} nats " +
               $"({Ordinal(finding.Percentile)} percentile, robust z {Number(finding.RobustZ)}): likely {finding.Category.Name()}.";
    }

    public static string Fix(Finding finding) => finding.Category.Fix();

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
            lines.Add(("SGD-noise weight SI", $"weights smoothed by the stationary SGD noise covariance (learning rate / batch size = {Number(report.Solver.SgdNoiseScale ?? double.NaN)}): " +
                $"median {Number(sgd[sgd.Count / 2])} nats, largest {Number(sgd[^1])} nats"));
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

    public static string Number(double value) =>
        double.IsInfinity(value) ? (value > 0 ? "inf" : "-inf") : value.ToString(Math.Abs(value) >= 100 ? "F0" : "G2", CultureInfo.InvariantCulture);

    private static string Ordinal(double percentile)
    {
        string text = percentile.ToString(percentile >= 99 ? "F1" : "F0", CultureInfo.InvariantCulture);
        return text.EndsWith('1') && !text.EndsWith("11", StringComparison.Ordinal) ? text + "st"
            : text.EndsWith('2') && !text.EndsWith("12", StringComparison.Ordinal) ? text + "nd"
            : text.EndsWith('3') && !text.EndsWith("13", StringComparison.Ordinal) ? text + "rd" : text + "th";
    }
}
