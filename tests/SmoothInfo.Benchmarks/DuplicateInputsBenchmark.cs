using System.Globalization;
using SmoothInfo.Data;

namespace SmoothInfo.Benchmarks;

/// <summary>
/// The conflicting-duplicates rule's search for identical and near-identical inputs, on uniform noise (every row
/// distinct, spread equally in every direction: the sweep's worst case) and on low-rank inputs (most variance in a few
/// directions, as images have). Options: --cases 2000x784,20000x64,20000x784
/// </summary>
public sealed class DuplicateInputsBenchmark : IBenchmark
{
    public string Name => "duplicate-inputs";
    public string Description => "identical and near-identical inputs (the conflictingDuplicates rule)";

    public int Run(string[] args)
    {
        var options = Options.Parse(args);
        var cases = options.String("cases", "2000x784,20000x64,20000x784").Split(',')
            .Select(c => c.Split('x').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        Console.WriteLine($"load average before: {MachineLoad.Current()}");
        Console.WriteLine("| inputs | n | d | near distance | samples in groups | time (s) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var shape in cases)
            foreach (var (inputs, features) in new[] { ("uniform noise", Uniform(shape[0], shape[1])), ("rank 10 + 1% noise", LowRank(shape[0], shape[1])) })
            {
                var hashes = Enumerable.Range(0, shape[0]).Select(i => $"h{i}").ToList();
                var (result, elapsed) = Measure.Time(() => DuplicateInputs.Find(features, shape[0], shape[1], hashes));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {inputs} | {shape[0]:N0} | {shape[1]:N0} | {result.NearDistance:G3} | {result.Groups.Count(g => g is not null)} | {elapsed.TotalSeconds:F2} |"));
            }
        Console.WriteLine($"load average after: {MachineLoad.Current()}");
        return 0;
    }

    private static float[] Uniform(int n, int d)
    {
        var random = new Random(1);
        return Enumerable.Range(0, n * d).Select(_ => (float)random.NextDouble()).ToArray();
    }

    private static float[] LowRank(int n, int d)
    {
        var random = new Random(2);
        var basis = Enumerable.Range(0, 10 * d).Select(_ => random.NextDouble() - 0.5).ToArray();
        var features = new float[n * d];
        for (int i = 0; i < n; i++)
        {
            var weights = Enumerable.Range(0, 10).Select(_ => random.NextDouble() - 0.5).ToArray();
            for (int t = 0; t < d; t++)
                features[i * d + t] = (float)(Enumerable.Range(0, 10).Sum(r => weights[r] * basis[r * d + t]) + 0.01 * (random.NextDouble() - 0.5));
        }
        return features;
    }
}
