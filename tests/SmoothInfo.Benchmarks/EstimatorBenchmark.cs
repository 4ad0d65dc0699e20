using System.Globalization;
using SmoothInfo.Estimation;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reference;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Benchmarks;

/// <summary>
/// The kernel-level estimator on random kernels K = J J^T (J Gaussian, rank d), all quantities with a held-out set:
/// (1) t = infinity at n*k = 10,000 in float64, time and peak memory, and the float32 error;
/// (2) the fast closed form against the per-sample reference path at n = 400, k = 10, in the same run;
/// (3) finite t: the batched iteration and the spectral method at small sizes.
/// Options: --n 1000 --k 10 --m 200 --rank 3000 --reference-samples 400 --threads 2 --parts large,reference,finite
/// </summary>
public sealed class EstimatorBenchmark : IBenchmark
{
    public string Name => "estimator";
    public string Description => "leave-one-out estimator: closed form at nk = 10,000, vs per-sample, finite t";

    public int Run(string[] args)
    {
        var options = Options.Parse(args);
        set_num_threads(options.Int("threads", 2));
        Console.WriteLine($"threads: {get_num_threads()}");
        Console.WriteLine("| case | n | k | m | method | time (s) | peak RSS during run (GB) | budget (GB) | note |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");

        var run = new TrainingRun(0.1, double.PositiveInfinity, 1e-3);
        var parts = options.String("parts", "large,reference,finite").Split(',');
        if (parts.Contains("large")) LargeClosedForm(options.Int("n", 1000), options.Int("k", 10), options.Int("m", 200), options.Int("rank", 3000), run);
        if (parts.Contains("reference")) ReferenceComparison(400, 10, options.Int("reference-samples", 400), run);
        if (parts.Contains("finite")) FiniteTime();
        return 0;
    }

    private static void LargeClosedForm(int n, int k, int m, int rank, TrainingRun run)
    {
        var problem = RandomProblem(n, k, m, rank, seed: 1);
        long size = (long)n * k;
        Measure.ResetPeak();
        long before = Measure.PeakResidentBytes();
        var stages = new StageTimes();
        var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var (exact, elapsed) = Measure.Time(() => LeaveOneOutEstimator.Estimate(problem, run, new EstimatorOptions(Progress: stages)));
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        long peak = Measure.PeakResidentBytes();
        double budget = 4.0 * size * size * 8;
        Row("t = inf, float64", n, k, m, exact.Solver.Method, elapsed, peak, budget,
            $"RSS before {Gb(before)} GB (inputs); condition number {exact.Solver.ConditionNumber:G3}; CPU time {cpu.TotalSeconds:F1} s; load {MachineLoad.Current()}; " +
            $"stages: {stages.Summary(elapsed)}");

        // float32 keeps about -log10(condition * 1.2e-7) digits: at lambda = 1e-3 the estimator refuses it (condition
        // ~6e6), so its error is measured where float32 is usable, at lambda = 0.1.
        var wellConditioned = run with { WeightDecay = 0.1 };
        exact = LeaveOneOutEstimator.Estimate(problem, wellConditioned);
        var (single, singleElapsed) = Measure.Time(() => LeaveOneOutEstimator.Estimate(problem, wellConditioned, new EstimatorOptions(Precision: ScalarType.Float32)));
        double error = RelativeError(single.WeightChange.to(float64), exact.WeightChange);
        double testError = RelativeError(single.TestPredictionChange!.to(float64), exact.TestPredictionChange!);
        Row("t = inf, float32, lambda = 0.1", n, k, m, single.Solver.Method, singleElapsed, Measure.PeakResidentBytes(), budget,
            $"condition number {exact.Solver.ConditionNumber:G3}; max relative error vs float64: weight change {error:G2}, test change {testError:G2}");
    }

    private static void ReferenceComparison(int n, int k, int referenceSamples, TrainingRun run)
    {
        var problem = RandomProblem(n, k, m: 50, rank: 3 * n * k / 2, seed: 2);
        var (fast, fastElapsed) = Measure.Time(() => LeaveOneOutEstimator.Estimate(problem, run));
        Row("t = inf, fast path", n, k, 50, fast.Solver.Method, fastElapsed, Measure.PeakResidentBytes(), double.NaN, "");
        var (slow, slowElapsed) = Measure.Time(() => PerSampleLeaveOneOut.Run(problem, run.WeightDecay, referenceSamples));
        double perSample = slowElapsed.TotalSeconds / referenceSamples;
        double fullReference = perSample * n;
        double agreement = RelativeError(fast.WeightChange.narrow(0, 0, referenceSamples), slow.WeightChange);
        string measured = referenceSamples == n ? "all samples measured" : $"{referenceSamples} samples measured, {perSample:F3} s each, x{n} extrapolated";
        Console.WriteLine($"| t = inf, per-sample reference | {n} | {k} | 50 | per-sample Cholesky | {fullReference:F1} | {Gb(Measure.PeakResidentBytes())} | | " +
            $"{measured}; speed-up {fullReference / fastElapsed.TotalSeconds:F0}x; max relative difference {agreement:G2} |");
    }

    private static void FiniteTime()
    {
        foreach (var (n, k, steps, method, dynamics) in new[]
        {
            (400, 10, 100.0, FiniteTimeMethod.BatchedIteration, TrainingDynamics.Discrete),
            (100, 4, 1000.0, FiniteTimeMethod.Spectral, TrainingDynamics.Discrete),
            (100, 4, 50.0, FiniteTimeMethod.Spectral, TrainingDynamics.Continuous),
        })
        {
            var problem = RandomProblem(n, k, m: 50, rank: 2 * n * k, seed: 3);
            var run = new TrainingRun(0.5 / linalg.eigvalsh(problem.TrainKernel).max().ToDouble(), steps, 1e-3, dynamics);
            var (result, elapsed) = Measure.Time(() => LeaveOneOutEstimator.Estimate(problem, run, new EstimatorOptions(FiniteTimeMethod: method)));
            Row($"t = {steps}, {dynamics}", n, k, 50, result.Solver.Method, elapsed, Measure.PeakResidentBytes(), double.NaN, "");
        }
    }

    /// <summary>Wall time of each progress stage, synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class StageTimes : IProgress<EstimatorProgress>
    {
        private readonly System.Diagnostics.Stopwatch _watch = System.Diagnostics.Stopwatch.StartNew();
        private readonly List<(string Stage, TimeSpan Start)> _starts = new();

        public void Report(EstimatorProgress value)
        {
            if (_starts.Count == 0 || _starts[^1].Stage != value.Stage) _starts.Add((value.Stage, _watch.Elapsed));
        }

        /// <summary>"validation a s, stage b s, ...": before the first report is validation and conversion.</summary>
        public string Summary(TimeSpan total)
        {
            var parts = new List<string> { $"validation {Seconds(_starts.Count > 0 ? _starts[0].Start : total)}" };
            for (int i = 0; i < _starts.Count; i++)
                parts.Add($"{_starts[i].Stage} {Seconds((i + 1 < _starts.Count ? _starts[i + 1].Start : total) - _starts[i].Start)}");
            return string.Join(", ", parts);
        }

        private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s";
    }

    /// <summary>K = J J^T with J Gaussian (nk x rank), targets standard normal, initial predictions 0.1 times standard normal.</summary>
    internal static KernelProblem RandomProblem(int n, int k, int m, int rank, int seed)
    {
        var generator = new Generator().manual_seed(seed);
        using var scope = NewDisposeScope();
        var jacobian = randn(new long[] { (long)n * k, rank }, dtype: float64, generator: generator) / Math.Sqrt(rank);
        var testJacobian = randn(new long[] { (long)m * k, rank }, dtype: float64, generator: generator) / Math.Sqrt(rank);
        var problem = new KernelProblem(jacobian.matmul(jacobian.T), randn(new long[] { n, k }, dtype: float64, generator: generator),
            0.1 * randn(new long[] { n, k }, dtype: float64, generator: generator), testJacobian.matmul(jacobian.T),
            0.1 * randn(new long[] { m, k }, dtype: float64, generator: generator));
        foreach (var t in new[] { problem.TrainKernel, problem.Targets, problem.InitialPredictions, problem.TestKernel!, problem.TestInitialPredictions! })
            t.MoveToOuterDisposeScope();
        return problem;
    }

    private static double RelativeError(Tensor actual, Tensor expected) =>
        ((actual - expected).abs() / expected.abs().clamp_min(1e-300)).max().ToDouble();

    private static void Row(string what, int n, int k, int m, string method, TimeSpan elapsed, long peak, double budget, string note) =>
        Console.WriteLine($"| {what} | {n} | {k} | {m} | {method} | {elapsed.TotalSeconds:F1} | {Gb(peak)} | " +
            $"{(double.IsNaN(budget) ? "" : (budget / 1e9).ToString("F1", CultureInfo.InvariantCulture))} | {note} |");

    private static string Gb(long bytes) => (bytes / 1e9).ToString("F2", CultureInfo.InvariantCulture);
}
