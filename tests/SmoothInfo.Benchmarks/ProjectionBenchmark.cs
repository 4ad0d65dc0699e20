using System.Globalization;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using static TorchSharp.torch;

namespace SmoothInfo.Benchmarks;

/// <summary>
/// Random projections of the Jacobian of the MLP 784-256-256-10 (d = 269,322) on n standard normal samples: relative
/// Frobenius error ||J_p J_p^T - J J^T||_F / ||J J^T||_F of one projection (seed 7) against the exact kernel, for the
/// very sparse sign projection (s = sqrt(d)) and coordinate subsets, at several p. The time includes forming each
/// block's full rows before projecting them (docs/kernels.md).
/// Options: --n 100 --dimensions 1000,4000,16000 --threads 2
/// </summary>
public sealed class ProjectionBenchmark : IBenchmark
{
    public string Name => "projections";
    public string Description => "projected NTK (sparse sign, coordinate subset) against the exact one: relative Frobenius error";

    public int Run(string[] args)
    {
        var options = Options.Parse(args);
        set_num_threads(options.Int("threads", 2));
        int n = options.Int("n", 100);
        var dimensions = options.String("dimensions", "1000,4000,16000").Split(',').Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        Console.WriteLine($"threads: {get_num_threads()}; load average before: {MachineLoad.Current()}");
        Console.WriteLine("| case | network | n | k | d | method | time (s) | CPU time (s) | peak RSS (GB) | note |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        var spec = KernelBenchmark.Mnist;
        using var network = ProbeNetworks.Build(spec, seed: 1);
        using var x = KernelBenchmark.Inputs(spec, n);
        using var exact = EmpiricalNtk.Train(network, x);
        double norm = linalg.norm(exact).item<double>();
        long d = network.parameters().Sum(p => p.numel());
        foreach (long p in dimensions)
        {
            foreach (var (kind, method) in new[] { (ProjectionKind.SparseSign, "very sparse sign, s = sqrt(d)"), (ProjectionKind.CoordinateSubset, "coordinate subset") })
            {
                var projection = new JacobianProjection(kind, p, Seed: 7);
                Measure.ResetPeak();
                var (kernel, elapsed, cpu) = KernelBenchmark.Timed(() => EmpiricalNtk.Train(network, x, new NtkOptions { Projection = projection }));
                double error = (linalg.norm(kernel - exact) / norm).item<double>();
                KernelBenchmark.Row($"projected kernel, p = {p}", spec, network, n, method, (elapsed, cpu), Measure.PeakResidentBytes(),
                    string.Create(CultureInfo.InvariantCulture, $"relative Frobenius error vs exact {error:G3} (p / d = {(double)p / d:G2})"));
                kernel.Dispose();
            }
        }
        Console.WriteLine($"load average after: {MachineLoad.Current()}");
        return 0;
    }
}
