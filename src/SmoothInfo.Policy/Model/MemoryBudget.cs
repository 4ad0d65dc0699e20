using System.Globalization;
using System.Text.RegularExpressions;

namespace SmoothInfo.Policy.Model;

/// <summary>
/// estimator.memoryBudget: the memory the estimator's route may take, as a size ("4GB", "512MB"; binary units, 1 GB =
/// 2^30 bytes) or as a share of the memory the machine has available when the run starts ("50%"). The planner refuses
/// a run whose cheapest route would need more (docs/policy.md).
/// </summary>
public sealed partial record MemoryBudget(long? Bytes, double? ShareOfAvailable)
{
    /// <summary>The schema's default: half the available memory, so that a build and the rest of the machine keep room.</summary>
    public const string DefaultText = "50%";

    public static MemoryBudget Default => Parse(DefaultText) ?? throw new InvalidOperationException("the default memory budget does not parse");

    private static readonly (string Unit, long Bytes)[] Units =
        { ("TB", 1L << 40), ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10), ("B", 1) };

    /// <summary>The budget the text states, or null when it is not a size or a percentage of (0, 100].</summary>
    public static MemoryBudget? Parse(string text)
    {
        var match = Form().Match(text.Trim());
        if (!match.Success || !double.TryParse(match.Groups["number"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
            return null;
        string unit = match.Groups["unit"].Value.ToUpperInvariant();
        if (unit == "%") return number is > 0 and <= 100 ? new MemoryBudget(null, number / 100) : null;
        double bytes = number * Units.First(u => u.Unit == unit).Bytes;
        return bytes is >= 1 and < long.MaxValue ? new MemoryBudget((long)bytes, null) : null;
    }

    /// <summary>Bytes of this budget on a machine with <paramref name="availableBytes"/> available.</summary>
    public long Resolve(long availableBytes) => Bytes ?? (long)(ShareOfAvailable!.Value * availableBytes);

    public override string ToString() => Bytes is { } bytes
        ? FormatBytes(bytes)
        : (ShareOfAvailable!.Value * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    /// <summary>A byte count as messages show it: the largest binary unit that keeps a leading digit, 3 significant digits.</summary>
    public static string FormatBytes(double bytes)
    {
        var (unit, size) = Units.First(u => bytes >= u.Bytes || u.Unit == "B");
        return (bytes / size).ToString(bytes >= size * 100 || size == 1 ? "0" : "0.##", CultureInfo.InvariantCulture) + " " + unit;
    }

    [GeneratedRegex(@"^(?<number>[0-9]+(\.[0-9]+)?)\s*(?<unit>%|[KMGT]?B)$", RegexOptions.IgnoreCase)]
    private static partial Regex Form();
}
