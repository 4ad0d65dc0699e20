namespace SmoothInfo.Rules.Kinds;

/// <summary>
/// A kind of finding, as every report presents it: its diagnostic code, name, the fix it offers, its colour in the HTML
/// report, a one-line summary (SARIF's rule description) and its message for one finding. What makes a sample a
/// finding of this kind is its rule's (<see cref="IFindingRule"/>); adding a kind is one file with both, registered in
/// <see cref="FindingRules"/> (cleanlab's issue managers are the model).
/// </summary>
public abstract class FindingKind(string code, string name, string colour, string summary, string fix) : IComparable<FindingKind>
{
    public string Code { get; } = code;
    public string Name { get; } = name;
    public string Colour { get; } = colour;
    public string Summary { get; } = summary;
    public string Fix { get; } = fix;

    /// <summary>What the finding is about this sample, in the words every output uses.</summary>
    public abstract string Message(Finding finding, FindingContext context);

    /// <summary>Kinds are listed in the order of their codes.</summary>
    public int CompareTo(FindingKind? other) => string.CompareOrdinal(Code, other?.Code);

    public override string ToString() => Name;
}

/// <summary>What a kind's message may refer to besides the finding: the samples, their signals, and the score's name.</summary>
public sealed record FindingContext(SampleCatalog Samples, IReadOnlyList<SampleSignals> Signals, string ScoreName);
