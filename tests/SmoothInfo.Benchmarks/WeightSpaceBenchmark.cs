using System.Globalization;
using SmoothInfo.Estimation;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Reference;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Benchmarks;

/// <summary>
/// The weight-space regime: a Linear head over p features with k outputs (a linear model on 512 standard normal
/// features), all per-sample leave-one-out quantities at t = infinity with a held-out set, in float64:
/// n = 60,000 (issue target: under 5 minutes and under 8 GB on 2 cores), and the same answers as the function-space
/// closed form and retraining without each sample at a size where all run and weight space is chosen
/// (--small-n samples > --small-features + 1).
/// Options: --n 60000 --m 10000 --features 512 --k 10 --small-n 400 --small-features 64 --threads 2
/// </summary>
public sealed class WeightSpaceBenchmark : IBenchmark
{
    public string Name => "weight-space";
    public string Description => "linear head over 512 features, n = 60,000, all per-sample quantities; vs function space";

    public int Run(string[] args)
    {
        var options = Options.Parse(args);
        set_num_threads(options.Int("threads", 2));
        int p = options.Int("features", 512), k = options.Int("k", 10);
        Console.WriteLine($"threads: {get_num_threads()}; load average before: {MachineLoad.Current()}");
        Console.WriteLine("| case | n | m | features | k | formulation | time (s) | peak RSS (GB) | note |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        var run = new TrainingRun(1e-4, double.PositiveInfinity, 1e-3);
        Large(options.Int("n", 60000), options.Int("m", 10000), p, k, run);
        Agreement(options.Int("small-n", 400), 50, options.Int("small-features", 64), k, run);
        Console.WriteLine($"load average after: {MachineLoad.Current()}");
        return 0;
    }

    private static void Large(int n, int m, int p, int k, TrainingRun run)
    {
        using var head = Head(p, k);
        using var x = Features(n, p, seed: 2);
        using var xTest = Features(m, p, seed: 3);
        using var y = Labels(n, k);
        var plan = Planning.RoutePlanner.ForNetwork(Planning.NetworkSizes.Of(head, ParameterSelection.LastLayers(1), n, k, [p], m, ScalarType.Float64, null),
            run, autoWeightDecay: false, Planning.PlanBudget.Unlimited);
        Measure.ResetPeak();
        var (result, elapsed) = Measure.Time(() => LinearHeadLeaveOneOut.Compute(LinearHead.Problem(head, x, y, xTest), run));
        Row("all per-sample quantities", n, m, p, k, result.Solver.Method, elapsed,
            $"{plan.Reason}; condition number {result.Solver.ConditionNumber:G3}; inputs {Gb(x.numel() * 8 + xTest.numel() * 8)} GB");
    }

    private static void Agreement(int n, int m, int p, int k, TrainingRun run)
    {
        using var head = Head(p, k);
        using var x = Features(n, p, seed: 4);
        using var xTest = Features(m, p, seed: 5);
        using var y = Labels(n, k);
        var problem = LinearHead.Problem(head, x, y, xTest);
        var (weight, weightElapsed) = Measure.Time(() => LinearHeadLeaveOneOut.Compute(problem, run));
        Row("same problem, weight space", n, m, p, k, weight.Solver.Method, weightElapsed, "");
        var (function, functionElapsed) = Measure.Time(() =>
        {
            var selection = new NtkOptions { Selection = ParameterSelection.LastLayers(1) };
            using var noGrad = no_grad();
            var kernelProblem = new KernelProblem(EmpiricalNtk.Train(head, x, selection), y, head.call(x),
                EmpiricalNtk.Cross(head, xTest, x, selection), head.call(xTest));
            return LeaveOneOutEstimator.Estimate(kernelProblem, run);
        });
        Row("same problem, function space", n, m, p, k, "NTK + " + function.Solver.Method, functionElapsed,
            "max relative difference to weight space: " + Differences(weight, function));
        var rows = JacobianRows.Exact(head, ParameterSelection.LastLayers(1));
        var (retrained, retrainedElapsed) = Measure.Time(() => WeightSpaceRetraining.Run(rows.Rows(x), y, problem.InitialPredictions, rows.Rows(xTest), run));
        Row("same problem, retraining without each sample", n, m, p, k, "reference", retrainedElapsed,
            "max relative difference to weight space: " + Differences(weight, retrained));
    }

    private static string Differences(LeaveOneOutResult actual, LeaveOneOutResult expected) => string.Create(CultureInfo.InvariantCulture,
        $"weight change {Relative(actual.WeightChange, expected.WeightChange):G2}, " +
        $"train change {Relative(actual.TrainPredictionChange, expected.TrainPredictionChange):G2}, " +
        $"test change {Relative(actual.TestPredictionChange!, expected.TestPredictionChange!):G2}, " +
        $"LOO prediction {Relative(actual.LeaveOneOutPrediction, expected.LeaveOneOutPrediction):G2}");

    private static Sequential Head(int p, int k)
    {
        var head = nn.Sequential(("0", nn.Linear(p, k)));
        StandardParameterization.Initialize(head, 1);
        head.to(float64);
        return head;
    }

    private static Tensor Features(int n, int p, long seed)
    {
        using var g = new Generator().manual_seed(seed);
        return randn(new long[] { n, p }, float64, generator: g);
    }

    /// <summary>One-hot targets of random classes.</summary>
    private static Tensor Labels(int n, int k)
    {
        using var g = new Generator().manual_seed(6);
        using var classes = randint(0, k, new long[] { n }, generator: g);
        return nn.functional.one_hot(classes, k).to_type(float64);
    }

    private static double Relative(Tensor actual, Tensor expected) =>
        ((actual - expected).abs().max() / expected.abs().max()).item<double>();

    private static void Row(string what, int n, int m, int p, int k, string method, TimeSpan elapsed, string note) =>
        Console.WriteLine($"| {what} | {n} | {m} | {p} | {k} | {method} | {elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} | " +
            $"{Gb(Measure.PeakResidentBytes())} | {note} |");

    private static string Gb(long bytes) => (bytes / 1e9).ToString("F2", CultureInfo.InvariantCulture);
}
