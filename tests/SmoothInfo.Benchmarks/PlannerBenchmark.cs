using System.Globalization;
using SmoothInfo.Data;
using SmoothInfo.Estimation;
using SmoothInfo.Gate;
using SmoothInfo.Models;
using SmoothInfo.Planning;
using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Benchmarks;

/// <summary>
/// The planner's peak-memory estimate against the measured peak of each route as the gate runs it, in float64 on random
/// data: the peak resident set (VmHWM, reset before each case) above the resident set before it, with the inputs converted
/// inside the measured work as the gate does. Prints the rows of docs/benchmarks.md, "Planner estimates".
/// Options: --scale 1 (multiplies every sample count) --threads 2
/// </summary>
public sealed class PlannerBenchmark : IBenchmark
{
    public string Name => "planner";
    public string Description => "each route's estimated peak memory (the planner) against its measured peak";

    private const int Features = 20, Classes = 10;
    private static readonly TrainingRun Converged = new(0.01, double.PositiveInfinity, 1e-2, TrainingDynamics.Continuous);

    public int Run(string[] args)
    {
        var options = Options.Parse(args);
        set_num_threads(options.Int("threads", 2));
        int scale = options.Int("scale", 1);
        Console.WriteLine($"threads: {get_num_threads()}; load average before: {MachineLoad.Current()}");
        // Unmeasured first: the first use of each libtorch and LAPACK routine pages its code in, which is not a route's memory.
        Network("warm-up", 50, new[] { 512 }, linearizeLast: null, auto: false, print: false);
        Network("warm-up", 50, new[] { 512 }, linearizeLast: null, auto: true, print: false);
        Console.WriteLine("| route | n | k | d or p | estimate (MB) | measured (MB) | estimate / measured | time (s) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (int n in new[] { 150, 300 }) Network("function space", n * scale, new[] { 512 }, linearizeLast: null, auto: false);
        Network("function space, weightDecay auto", 150 * scale, new[] { 512 }, linearizeLast: null, auto: true);
        foreach (int n in new[] { 1000, 2000 }) Network("weight space", n * scale, new[] { 64 }, linearizeLast: null, auto: false);
        foreach (int n in new[] { 20000, 40000 }) Network("linear head", n * scale, new[] { 512 }, linearizeLast: 1, auto: false);
        foreach (int n in new[] { 1000, 2000 }) Probe("gaussian probe, exact kernel", n * scale, ProbeKind.Gaussian);
        Probe("gaussian probe, random features", 10000 * scale, ProbeKind.Gaussian);
        foreach (int n in new[] { 100000, 200000 }) Probe("linear probe", n * scale, ProbeKind.Linear);
        Console.WriteLine($"load average after: {MachineLoad.Current()}");
        return 0;
    }

    private static void Network(string name, int n, int[] widths, int? linearizeLast, bool auto, bool print = true)
    {
        using var network = ProbeNetworks.Build(new MlpSpec(Features, widths, Classes, Activation.Tanh), seed: 3);
        var selection = linearizeLast is { } last ? ParameterSelection.LastLayers(last) : ParameterSelection.All;
        var plan = RoutePlanner.ForNetwork(NetworkSizes.Of(network, selection, n, Classes, [Features], 0, ScalarType.Float64, null), Converged, auto, PlanBudget.Unlimited);
        var (x, labels) = RandomData(n);
        Measured(print ? name : null, plan, n, () =>
        {
            using var inputs = x.to(float64);
            using var result = LeaveOneOutRun.Estimate(plan, network, selection, inputs, labels, Classes, Converged, new EstimatorOptions(), null,
                chooseWeightDecay: auto).WeightChange;
        });
    }

    private static void Probe(string name, int n, ProbeKind kind)
    {
        string folder = Directory.CreateTempSubdirectory("planner-").FullName;
        var dataset = RandomDataset(n, folder);
        var size = new ProblemSize(n, Classes, Features, 0, 8);
        var plan = kind == ProbeKind.Linear ? RoutePlanner.ForLinearProbe(size, embedded: false, PlanBudget.Unlimited)
            : RoutePlanner.ForGaussianProbe(size, GaussianProbeRun.ExactKernelSamples, PlanBudget.Unlimited);
        var training = new TrainingPolicy(0.01, null, null, TrainingDynamics.Continuous, LossReduction.Mean);
        Measured(name, plan, n, () =>
        {
            using var result = (kind == ProbeKind.Linear
                ? LinearProbeRun.Estimate(dataset, Converged, chooseWeightDecay: true, float64, CPU)
                : GaussianProbeRun.Estimate(plan, dataset, training, 0, float64, CPU, TrainingSettingNames.CommandLine)).WeightChange;
        });
        Directory.Delete(folder, recursive: true);
    }

    /// <param name="name">Null: run unmeasured.</param>
    private static void Measured(string? name, Plan plan, int n, Action work)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Measure.ResetPeak();
        long before = ProcStatus.KilobyteField(File.ReadAllText("/proc/self/status"), "VmRSS");
        var (_, elapsed) = Measure.Time(() => { work(); return 0; });
        long measured = Measure.PeakResidentBytes() - before;
        if (name is null) return;
        double mb = 1 << 20;
        var s = plan.Candidates.First(r => r == plan.Chosen);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} ({RouteNames.Of(plan.Route)}) | {n} | {Classes} | {Columns(plan)} | {s.PeakBytes / mb:F0} | {measured / mb:F0} | {(double)s.PeakBytes / measured:F2} | {elapsed.TotalSeconds:F1} |"));
    }

    /// <summary>The route's own size statement (its description), for the table.</summary>
    private static string Columns(Plan plan) => plan.Chosen.Description;

    private static (Tensor X, Tensor Labels) RandomData(int n)
    {
        using var g = new TorchSharp.torch.Generator().manual_seed(n);
        return (randn(new long[] { n, Features }, float32, generator: g), randint(0, Classes, new long[] { n }, generator: g));
    }

    /// <summary>Random features and labels written as NPY files in <paramref name="folder"/> and read the way the gate reads them.</summary>
    private static Dataset RandomDataset(int n, string folder)
    {
        var (x, labels) = RandomData(n);
        string features = Path.Combine(folder, "x.npy"), labelFile = Path.Combine(folder, "y.npy");
        SmoothInfo.Data.Npy.NpyFile.Write(features, x);
        using (var stream = File.Create(labelFile))
        {
            // Labels as int64 (NpyFile.Write writes floats only).
            SmoothInfo.Data.Npy.NpyFile.WriteHeader(stream, "<i8", labels.shape);
            stream.Write(labels.contiguous().bytes);
        }
        return DatasetReader.Read(new DatasetPolicy(DatasetFormat.Npy, features, labelFile, "label", [], null, null, "file", [],
            new PreprocessingPolicy(FeatureScaling.None, null, 1)), int.MaxValue);
    }
}
