namespace SmoothInfo.Tests.Fuzz;

/// <summary>
/// One reader prepared for fuzzing in a workspace folder: the valid seed files, the file the mutated bytes are
/// written to (after <see cref="Pack"/>, e.g. into a zip), the call that reads it (what it read, or null when it declined
/// the file), and the files an input error may name. <see cref="MayRefuse"/> false: the reader must never throw (the
/// estimator cache declines a damaged file, and the output is recomputed).
/// </summary>
internal sealed record FuzzCase(IReadOnlyList<byte[]> Seeds, string MutatedFile, Func<object?> Read, IReadOnlyCollection<string> NamedFiles)
{
    public bool MayRefuse { get; init; } = true;
    public Func<byte[], byte[]> Pack { get; init; } = bytes => bytes;
}

/// <summary>
/// A reader by name (the test case's name) and how to prepare it in an empty workspace folder;
/// <see cref="ShortModeInputs"/>: fewer inputs in the short mode for a reader that starts a process per input.
/// </summary>
internal sealed record FuzzTarget(string Name, Func<string, FuzzCase> Prepare)
{
    public int? ShortModeInputs { get; init; }

    public override string ToString() => Name;
}
