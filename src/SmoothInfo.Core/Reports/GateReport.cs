using SmoothInfo.Data;
using SmoothInfo.Estimation;
using SmoothInfo.Rules;
using SmoothInfo.Rules.Kinds;

namespace SmoothInfo.Reports;

/// <summary>Everything a report shows about one run of the gate; the writers format it and compute nothing.</summary>
public sealed record GateReport(
    string ToolVersion,
    string PolicyFile,
    string DatasetPath,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<SampleLocator> Locators,
    IReadOnlyList<string> ContentHashes,
    IReadOnlyList<string?> Sources,
    IReadOnlyList<SampleSignals> Signals,
    string ScoreName,
    double Sigma,
    SolverReport Solver,
    RuleEvaluation Evaluation,
    IReadOnlyList<GroupSummary> Groups,
    IReadOnlyDictionary<int, string>? Thumbnails = null)
{
    /// <summary>PNG data URIs of image samples the HTML report shows (findings, most and least informative), by index.</summary>
    public IReadOnlyDictionary<int, string> ThumbnailsOrEmpty => Thumbnails ?? new Dictionary<int, string>();

    public int SampleCount => Signals.Count;

    /// <summary>What the findings' messages refer to.</summary>
    public FindingContext FindingContext => new(new SampleCatalog(ClassNames, Locators, ContentHashes, Sources), Signals, ScoreName);

    /// <summary>Every sample's content and label as the baseline's snapshot records them (<see cref="Baseline.SampleKey"/>).</summary>
    public IEnumerable<string> SampleKeys => Signals.Select(s => Baseline.SampleKey(ContentHashes[s.Index], ClassNames[s.Label]));
    public bool Passed => Evaluation.Passed;
}
