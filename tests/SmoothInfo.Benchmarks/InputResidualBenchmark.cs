using System.Globalization;
using SmoothInfo.Estimation;
using static TorchSharp.torch;

namespace SmoothInfo.Benchmarks;

/// <summary>
/// The input rule's distance from the principal subspace (90% of the variance) on standard normal inputs made
/// correlated by a random low-rank mix, float64: the cost the gate adds to every run, cached estimator or not.
/// Options: --cases 2000x784,20000x784,60000x784,20000x3072,8000x12288 --threads 2
/// </summary>
public sealed class InputResidualBenchmark : IBenchmark
{
    public string Name => "input-residual";
    public string Description => "distance of every input from the data's principal subspace (the inputOutliers rule)";

    public int Run(string[] args)
    {
        var options = Options.Parse(args);
        set_num_threads(options.Int("threads", 2));
        var cases = options.String("cases", "2000x784,20000x784,60000x784,20000x3072,8000x12288").Split(',')
            .Select(c => c.Split('x').Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        Console.WriteLine($"threads: {get_num_threads()}; load average before: {MachineLoad.Current()}");
        Console.WriteLine("| n | d | route | components | time (s) | peak RSS (GB) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var shape in cases)
        {
            long n = shape[0], d = shape[1];
            var generator = new Generator().manual_seed(1);
            using var scope = NewDisposeScope();
            var x = randn(new long[] { n, 50 }, dtype: float64, generator: generator).matmul(randn(new long[] { 50, d }, dtype: float64, generator: generator))
                + randn(new long[] { n, d }, dtype: float64, generator: generator);
            Measure.ResetPeak();
            var (result, elapsed) = Measure.Time(() => PrincipalSubspaceResidual.Compute(x));
            long rows = Math.Min(n, PrincipalSubspaceResidual.MaxFitRows);
            string route = d > rows ? $"Gram {rows} x {rows}" : $"covariance {d} x {d}";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {n:N0} | {d:N0} | {route} | {result.Components} | {elapsed.TotalSeconds:F2} | {Measure.PeakResidentBytes() / 1e9:F2} |"));
        }
        Console.WriteLine($"load average after: {MachineLoad.Current()}");
        return 0;
    }
}
