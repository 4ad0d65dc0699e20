namespace SmoothInfo.Rules;

/// <summary>
/// SI per class and per data source, as the paper compares them: an under-represented class or a noisy source
/// shows as a group whose samples carry more unique information than the rest.
/// </summary>
public sealed record GroupSummary(string Scope, string Group, int Samples, int Findings, double MedianScore, double MeanScore)
{
    public static IReadOnlyList<GroupSummary> Of(IReadOnlyList<SampleSignals> signals, IReadOnlyList<string> classNames,
        IReadOnlyList<string?> sources, IReadOnlyList<Finding> findings)
    {
        var flagged = findings.Select(f => f.SampleIndex).ToHashSet();
        var byClass = signals.GroupBy(s => s.Label).OrderBy(g => g.Key).Select(g => Summarize("class", classNames[g.Key], g, flagged));
        var bySource = signals.Where(s => sources[s.Index] is not null).GroupBy(s => sources[s.Index]!)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Summarize("source", g.Key, g, flagged));
        return byClass.Concat(bySource).ToList();
    }

    private static GroupSummary Summarize(string scope, string group, IEnumerable<SampleSignals> members, ISet<int> flagged)
    {
        var list = members.ToList();
        var scores = new ScoreDistribution(list.Select(s => s.Score));
        return new GroupSummary(scope, group, list.Count, list.Count(s => flagged.Contains(s.Index)), scores.Median, list.Average(s => s.Score));
    }
}
