using System.Globalization;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reference.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Benchmarks;

/// <summary>
/// The empirical NTK in float64 on the CPU: (1) the exact train x train kernel of an MLP 784-256-256-10 over n samples
/// (issue target: n = 2,000 under 60 s on 2 cores), and its class-shared n x n kernel with the measured error; (2) the batched layer-wise kernel against the naive
/// per-(sample, output) Jacobian in the same run, at n = 400, k = 10 on the MLP 30-100-10 of the design's reference
/// table, and on the 784-256-256-10 MLP at --naive-samples samples (its full naive Jacobian at n = 400 would take 8.6 GB).
/// (3) the float32 kernel's error against float64 (CPU; no GPU here). Projections: ProjectionBenchmark.
/// Inputs are standard normal: the cost does not depend on the values.
/// Options: --n 2000 --naive-samples 50 --threads 2
/// </summary>
public sealed class KernelBenchmark : IBenchmark
{
    public string Name => "kernels";
    public string Description => "empirical NTK: MLP 784-256-256-10 at n = 2,000; batched vs naive Jacobian speed-up";

    internal static readonly MlpSpec Mnist = new(784, new[] { 256, 256 }, 10, Activation.Relu);
    private static readonly MlpSpec Reference = new(30, new[] { 100 }, 10, Activation.Relu);

    public int Run(string[] args)
    {
        var options = Options.Parse(args);
        set_num_threads(options.Int("threads", 2));
        Console.WriteLine($"threads: {get_num_threads()}; load average before: {MachineLoad.Current()}");
        Console.WriteLine("| case | network | n | k | d | method | time (s) | CPU time (s) | peak RSS (GB) | note |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        ExactKernel(Mnist, options.Int("n", 2000));
        SharedKernel(Mnist, options.Int("n", 2000));
        SpeedUp(Reference, 400);
        SpeedUp(Mnist, options.Int("naive-samples", 50));
        Float32Error(Mnist, 500);
        Console.WriteLine($"load average after: {MachineLoad.Current()} (the machine's 2 cores are shared: a load above 2 slows every row)");
        return 0;
    }

    private static void ExactKernel(MlpSpec spec, int n)
    {
        using var network = ProbeNetworks.Build(spec, seed: 1);
        using var x = Inputs(spec, n);
        Measure.ResetPeak();
        long reports = 0;
        var progress = new Progress<KernelProgress>(_ => Interlocked.Increment(ref reports));
        var (kernel, elapsed, cpu) = Timed(() => EmpiricalNtk.Train(network, x, new NtkOptions { Progress = progress }));
        long kernelBytes = kernel.numel() * kernel.element_size();
        Row("exact train x train NTK", spec, network, n, "batched layer-wise Gram", (elapsed, cpu), Measure.PeakResidentBytes(),
            $"result alone {Gb(kernelBytes)} GB; {Interlocked.Read(ref reports)} progress reports");
        kernel.Dispose();
    }

    private static void SharedKernel(MlpSpec spec, int n)
    {
        using var network = ProbeNetworks.Build(spec, seed: 1);
        using var x = Inputs(spec, n);
        var (shared, elapsed, cpu) = Timed(() => ClassSharedKernel.Compute(network, x));
        Row("class-shared kernel (n x n)", spec, network, n, "sum over outputs of layer-wise Gram", (elapsed, cpu), Measure.PeakResidentBytes(),
            $"includes the exact kernel on {shared.ErrorSamples} samples for the error; ||Theta - K (x) I|| / ||Theta|| = {shared.RelativeError:G3}");
        shared.Dispose();
    }

    private static void SpeedUp(MlpSpec spec, int n)
    {
        using var network = ProbeNetworks.Build(spec, seed: 1);
        using var x = Inputs(spec, n);
        var (fast, fastElapsed, fastCpu) = Timed(() => EmpiricalNtk.Train(network, x));
        Row("speed-up: batched", spec, network, n, "batched layer-wise Gram", (fastElapsed, fastCpu), Measure.PeakResidentBytes(), "");
        var (naive, naiveElapsed, naiveCpu) = Timed(() => NaiveJacobian.Ntk(network, x, NaiveJacobian.AllParameterNames(network)));
        double error = ((fast - naive).abs().max() / naive.abs().max()).item<double>();
        Row("speed-up: naive", spec, network, n, "per-(sample, output) autograd, J J^T", (naiveElapsed, naiveCpu), Measure.PeakResidentBytes(),
            $"speed-up {naiveElapsed / fastElapsed:F1}x; max relative difference {error:G2}");
        fast.Dispose();
        naive.Dispose();
    }

    /// <summary>The kernel of the same network (same seed) built in float32, against float64.</summary>
    private static void Float32Error(MlpSpec spec, int n)
    {
        using var wide = ProbeNetworks.Build(spec, seed: 1, dtype: ScalarType.Float64);
        using var narrow = ProbeNetworks.Build(spec, seed: 1, dtype: ScalarType.Float32);
        using var x = Inputs(spec, n);
        using var exact = EmpiricalNtk.Train(wide, x);
        var (single, elapsed, cpu) = Timed(() => EmpiricalNtk.Train(narrow, x));
        using var singleAs64 = single.to_type(ScalarType.Float64);
        double maxError = ((singleAs64 - exact).abs().max() / exact.abs().max()).item<double>();
        double frobenius = (linalg.norm(singleAs64 - exact) / linalg.norm(exact)).item<double>();
        Row("float32 kernel (CPU)", spec, wide, n, "batched layer-wise Gram, float32", (elapsed, cpu), Measure.PeakResidentBytes(),
            string.Create(CultureInfo.InvariantCulture, $"vs float64: max abs error / max entry {maxError:G2}, Frobenius {frobenius:G2}"));
        single.Dispose();
    }

    internal static Tensor Inputs(MlpSpec spec, int n)
    {
        using var generator = new Generator().manual_seed(2);
        return randn(new long[] { n, spec.InputDim }, float64, generator: generator);
    }

    /// <summary>Wall time and this process's CPU time of the work: on a shared machine the CPU time is the steadier figure.</summary>
    internal static (T Result, TimeSpan Elapsed, TimeSpan Cpu) Timed<T>(Func<T> work)
    {
        var process = System.Diagnostics.Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var (result, elapsed) = Measure.Time(work);
        process.Refresh();
        return (result, elapsed, process.TotalProcessorTime - cpuBefore);
    }

    internal static void Row(string what, MlpSpec spec, Sequential network, int n, string method, (TimeSpan Elapsed, TimeSpan Cpu) time, long peak, string note)
    {
        string widths = string.Join("-", new[] { spec.InputDim }.Concat(spec.HiddenWidths).Append(spec.Outputs));
        long d = network.parameters().Sum(p => p.numel());
        Console.WriteLine($"| {what} | MLP {widths} | {n} | {spec.Outputs} | {d} | {method} | " +
            $"{time.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} | {time.Cpu.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} | {Gb(peak)} | {note} |");
    }

    private static string Gb(long bytes) => (bytes / 1e9).ToString("F2", CultureInfo.InvariantCulture);
}
