using System.Globalization;
using System.Text.Json;

namespace SmoothInfo.Evidence;

/// <summary>
/// Two smoothinfo-report.json files of the same dataset compared (docs/sharding.md: `check --workers N` against one process):
/// the largest relative difference of each per-sample signal, how many values differ at all, and whether the findings match.
/// </summary>
public static class ReportComparison
{
    private static readonly string[] Signals = ["weightSI", "functionalSI", "labelSurprise", "inputResidual"];

    /// <returns>0 when the findings are the same and every signal is within 1e-9 relative, else 1.</returns>
    public static int Run(string first, string second)
    {
        using var a = JsonDocument.Parse(File.ReadAllBytes(first));
        using var b = JsonDocument.Parse(File.ReadAllBytes(second));
        var (samplesA, samplesB) = (a.RootElement.GetProperty("samples"), b.RootElement.GetProperty("samples"));
        if (samplesA.GetArrayLength() != samplesB.GetArrayLength()) throw new InvalidDataException("the reports hold different sample counts");
        var worst = new SortedDictionary<string, double>(StringComparer.Ordinal);
        int differing = 0;
        foreach (var (x, y) in samplesA.EnumerateArray().Zip(samplesB.EnumerateArray()))
            foreach (var (name, p, q) in Values(x).Zip(Values(y), (u, v) => (u.Name, u.Value, v.Value)))
            {
                double relative = p == q ? 0 : Math.Abs(p - q) / Math.Max(Math.Abs(q), double.Epsilon);
                worst[name] = Math.Max(worst.GetValueOrDefault(name), relative);
                if (p != q) differing++;
            }
        bool sameFindings = Findings(samplesA).SequenceEqual(Findings(samplesB));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"samples {samplesA.GetArrayLength()}; findings {Findings(samplesA).Count} and {Findings(samplesB).Count}, the same: {sameFindings}; " +
            $"values that differ: {differing}; largest relative difference: {string.Join(", ", worst.Select(w => $"{w.Key} {w.Value:G3}"))}"));
        return sameFindings && worst.Values.All(v => v <= 1e-9) ? 0 : 1;
    }

    /// <summary>A sample's signals by name (null ones skipped in both reports alike), its leave-one-out prediction entry by entry.</summary>
    private static IEnumerable<(string Name, double Value)> Values(JsonElement sample)
    {
        foreach (string name in Signals)
            if (sample.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number) yield return (name, value.GetDouble());
        foreach (var value in sample.GetProperty("looPrediction").EnumerateArray()) yield return ("looPrediction", value.GetDouble());
    }

    private static List<string> Findings(JsonElement samples) => samples.EnumerateArray()
        .Where(s => s.TryGetProperty("finding", out _)).Select(s => $"{s.GetProperty("index").GetInt32()} {s.GetProperty("finding")}").ToList();
}
