namespace SmoothInfo.Build.Tests.Packages;

/// <summary>
/// A dataset and policy the real estimator checks in seconds: 20 rows in two well-separated classes and a small MLP probe.
/// What matters to these tests is that the packed libtorch loads and the check completes, not its verdict.
/// </summary>
internal static class RealCheckData
{
    public const int Samples = 20;

    /// <summary>The last line of `smoothinfo check`, passed or failed.</summary>
    public const string ToolSummary = "smoothinfo: (passed|FAILED): .* among 20 samples";

    /// <summary>The gate's summary message in the build log, passed or failed.</summary>
    public const string GateSummary = "SmoothInfo (passed|failed): .* among 20 samples";

    public static void WriteInto(string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        File.WriteAllText(Path.Combine(folder, "data", "train.csv"), "x,y,label\n" + string.Concat(Enumerable.Range(0, Samples).Select(i =>
            FormattableString.Invariant($"{(i % 2) * 4 + i * 0.01},{(i % 2) * 4 - i * 0.01},{(i % 2 == 0 ? "a" : "b")}\n"))));
        File.WriteAllText(Path.Combine(folder, "smoothinfo.yml"), """
            version: 1
            dataset: { format: csv, path: data/train.csv, labelColumn: label }
            model: { probe: { kind: mlp, widths: [8], activation: relu } }
            training: { learningRate: 0.1, steps: inf, weightDecay: 0.001 }
            estimator: { device: cpu }
            reports: { directory: out, formats: [json] }
            """);
    }
}
