using SmoothInfo.Diagnostics;

namespace SmoothInfo.Rules.Kinds;

/// <summary>
/// Identical or near-identical inputs under different labels (<see cref="Data.DuplicateInputs"/>), e.g. blank images
/// labelled differently: they sit inside the data's principal subspace and the model trained without one of them may
/// well predict its label from its twin, so the score rules miss them. Every member of a group with more than one label
/// is a finding (rules.conflictingDuplicates): which label is right cannot be told from the inputs.
/// </summary>
public sealed class ConflictingDuplicates : FindingKind, IFindingRule
{
    public static ConflictingDuplicates Rule { get; } = new();

    private ConflictingDuplicates() : base(ErrorCodes.ConflictingDuplicates, "conflicting-duplicates", "#4c78a8",
        "A training sample whose input is identical or nearly identical to another's under a different label.",
        "give the copies one label (the right one), keep one copy, or accept them into the baseline (smoothinfo baseline)") { }

    public IReadOnlyList<FindingKind> Kinds => [this];

    public IEnumerable<Detection> Find(RuleContext context)
    {
        if (!context.Rules.ConflictingDuplicates.Enabled) return [];
        return context.Signals.Where(s => s.DuplicateGroup is not null).GroupBy(s => s.DuplicateGroup)
            .Where(group => group.Select(s => s.Label).Distinct().Count() > 1)
            .SelectMany(group => group).OrderBy(s => s.Index).Select(s => new Detection(s.Index, this));
    }

    public override string Message(Finding finding, FindingContext context)
    {
        var samples = context.Samples;
        var others = context.Signals.Where(s => s.DuplicateGroup == finding.Signals.DuplicateGroup && s.Index != finding.SampleIndex).ToList();
        int identical = others.Count(s => samples.ContentHashes[s.Index] == finding.ContentHash);
        string copies = (identical, others.Count - identical) switch
        {
            (> 0, 0) => $"identical to {Samples(identical)}",
            (0, var near) => $"nearly identical to {Samples(near)}",
            var (same, near) => $"identical to {Samples(same)} and nearly identical to {Samples(near)}",
        };
        string labels = string.Join(", ", others.GroupBy(s => s.Label).OrderByDescending(g => g.Count()).ThenBy(g => g.Key)
            .Select(g => $"{samples.ClassNames[g.Key]} ×{g.Count()}"));
        var differing = others.First(s => s.Label != finding.Signals.Label);
        return $"{NumberText.RecordPrefix(finding.Locator)}labelled {samples.ClassNames[finding.Signals.Label]}, but its input is {copies} " +
               $"labelled {labels} (e.g. {samples.Locators[differing.Index]}, labelled {samples.ClassNames[differing.Label]}): one input, conflicting labels.";
    }

    private static string Samples(int count) => count == 1 ? "1 other sample" : $"{count} other samples";
}
