using System.Globalization;
using SmoothInfo.Diagnostics;

namespace SmoothInfo.Gate.Shards;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (1-based, as CI matrices and Slurm arrays count): the contiguous samples
/// [n (Index - 1) / Count, n Index / Count), so every sample belongs to exactly one shard whatever n.
/// </summary>
public sealed record ShardRange(int Index, int Count)
{
    /// <summary>"2/4" as a user writes it on the command line.</summary>
    public static ShardRange Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count >= 1 && index >= 1 && index <= count)
            return new ShardRange(index, count);
        throw new InputException(ErrorCodes.UsageError, $"'--shard {text}' is not a shard: expected INDEX/COUNT with 1 <= INDEX <= COUNT.",
            "pass e.g. '--shard 2/4' for the second of four shards (a CI matrix index starting at 1).");
    }

    public long First(long samples) => samples * (Index - 1) / Count;

    public long Samples(long samples) => samples * Index / Count - First(samples);

    public override string ToString() => $"{Index}/{Count}";
}
