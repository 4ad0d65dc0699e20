using SmoothInfo.Rules;

namespace SmoothInfo.Reports;

/// <summary>
/// The paper's dataset summary: the samples carrying the most and the least unique information (by informativeness,
/// whichever score the rules use; ties by sample order). The HTML report shows them, so the gate makes their thumbnails.
/// </summary>
public static class DatasetSummary
{
    public const int Samples = 12;

    /// <summary>The most informative samples, most first.</summary>
    public static IReadOnlyList<SampleSignals> MostInformative(IReadOnlyList<SampleSignals> signals) => Ranked(signals).Take(Samples).ToList();

    /// <summary>The least informative samples, least first.</summary>
    public static IReadOnlyList<SampleSignals> LeastInformative(IReadOnlyList<SampleSignals> signals) => Ranked(signals).Reverse().Take(Samples).ToList();

    private static IEnumerable<SampleSignals> Ranked(IReadOnlyList<SampleSignals> signals) =>
        signals.OrderByDescending(s => s.Informativeness).ThenBy(s => s.Index);
}
