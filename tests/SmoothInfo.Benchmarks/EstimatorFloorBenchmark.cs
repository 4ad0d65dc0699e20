using System.Diagnostics;
using System.Globalization;
using SmoothInfo.Data.Npy;
using SmoothInfo.Estimation;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Benchmarks;

/// <summary>
/// The whole `smoothinfo kernel` process (start-up, loading the NPY files, validation, estimator, result.json) on saved random
/// kernels, against the floor of its largest step: LAPACK potrf + potri (Cholesky and cholesky_inverse) of the same
/// Theta + lambda I, timed in this process with the same thread count. The two alternate, so each ratio compares times taken
/// under about the same machine load.
/// Options: --n 1000 --k 10 --m 200 --rank 3000 --steps inf --weight-decay 1e-3 --repeats 2 --threads 2
/// (finite t: --n 400 --k 10 --m 50 --rank 8000 --steps 1000; the step is 0.5 / lambda_max of the kernel).
/// </summary>
public sealed class EstimatorFloorBenchmark : IBenchmark
{
    public string Name => "estimator-floor";
    public string Description => "smoothinfo kernel, whole process, against potrf + potri of the same matrix";

    public int Run(string[] args)
    {
        var options = Options.Parse(args);
        int threads = options.Int("threads", 2);
        set_num_threads(threads);
        int n = options.Int("n", 1000), k = options.Int("k", 10), m = options.Int("m", 200), rank = options.Int("rank", 3000);
        string steps = options.String("steps", "inf");
        double weightDecay = double.Parse(options.String("weight-decay", "1e-3"), CultureInfo.InvariantCulture);

        string folder = Directory.CreateTempSubdirectory("smoothinfo-floor-").FullName;
        Tensor regularized;
        double learningRate;
        using (var scope = NewDisposeScope())
        {
            var problem = EstimatorBenchmark.RandomProblem(n, k, m, rank, seed: 1);
            NpyFile.Write(Path.Combine(folder, "ntk.npy"), problem.TrainKernel);
            NpyFile.Write(Path.Combine(folder, "targets.npy"), problem.Targets);
            NpyFile.Write(Path.Combine(folder, "init.npy"), problem.InitialPredictions);
            NpyFile.Write(Path.Combine(folder, "test-ntk.npy"), problem.TestKernel!);
            NpyFile.Write(Path.Combine(folder, "test-init.npy"), problem.TestInitialPredictions!);
            learningRate = steps == "inf" ? 0.1 : 0.5 / LargestEigenvalue(problem.TrainKernel);
            regularized = Conditioning.Regularized(problem.TrainKernel, weightDecay).MoveToOuterDisposeScope();
        }

        Console.WriteLine($"n {n}, k {k} (n k = {n * k}), m {m}, rank {rank}, steps {steps}, weight decay {weightDecay:G3}, " +
            $"learning rate {learningRate:G4}, {get_num_threads()} threads, files in {folder}");
        Console.WriteLine("| repeat | load average before | potrf + potri (s) | smoothinfo kernel, whole process (s) | ratio | solver |");
        Console.WriteLine("|---|---|---|---|---|---|");
        for (int repeat = 1; repeat <= options.Int("repeats", 2); repeat++)
        {
            string load = MachineLoad.Current();
            var floor = Measure.Time(() => { FactorAndInvert(regularized); return 0; }).Elapsed;
            var (solver, process) = Measure.Time(() => RunKernelCommand(folder, learningRate, steps, weightDecay, threads));
            Console.WriteLine($"| {repeat} | {load} | {floor.TotalSeconds:F1} | {process.TotalSeconds:F1} | " +
                $"{process.TotalSeconds / floor.TotalSeconds:F2} | {solver} |");
        }
        regularized.Dispose();
        Directory.Delete(folder, recursive: true);
        return 0;
    }

    private static void FactorAndInvert(Tensor matrix)
    {
        using var scope = NewDisposeScope();
        var (factor, info) = linalg.cholesky_ex(matrix);
        if (info.ToInt64() != 0) throw new InvalidOperationException("the benchmark kernel is not positive definite");
        cholesky_inverse(factor);
    }

    /// <summary>A Rayleigh quotient after 100 power steps: a lower bound within a few percent, ample for a step of half the limit.</summary>
    private static double LargestEigenvalue(Tensor kernel)
    {
        using var scope = NewDisposeScope();
        var v = ones(kernel.shape[0], dtype: kernel.dtype);
        for (int i = 0; i < 100; i++)
        {
            var w = kernel.mv(v);
            v = w / linalg.vector_norm(w);
        }
        return v.dot(kernel.mv(v)).ToDouble();
    }

    /// <summary>
    /// Runs the tool's build output; returns its summary line (which names the solver) and the wall time of each stage, from
    /// when its first progress line arrived (before the first: start-up and loading the files); throws on failure.
    /// </summary>
    private static string RunKernelCommand(string folder, double learningRate, string steps, double weightDecay, int threads)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        start.ArgumentList.Add(ToolPath());
        foreach (var argument in new[]
        {
            "kernel", "--ntk", "ntk.npy", "--targets", "targets.npy", "--init-preds", "init.npy", "--test-ntk", "test-ntk.npy",
            "--test-init-preds", "test-init.npy", "--learning-rate", learningRate.ToString("R", CultureInfo.InvariantCulture),
            "--steps", steps, "--weight-decay", weightDecay.ToString("R", CultureInfo.InvariantCulture), "--out", "result.json",
        })
            start.ArgumentList.Add(argument.EndsWith(".npy") || argument.EndsWith(".json") ? Path.Combine(folder, argument) : argument);

        var watch = Stopwatch.StartNew();
        var lines = new List<(TimeSpan At, string Line)>();
        using var process = new Process { StartInfo = start };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (lines) lines.Add((watch.Elapsed, e.Data)); };
        process.Start();
        process.BeginErrorReadLine();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var total = watch.Elapsed;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"smoothinfo kernel exited with {process.ExitCode}:\n{string.Join('\n', lines.Select(l => l.Line))}\n{output}");

        // "smoothinfo: <stage> (<percent>%)": a stage lasts from its first line to the next stage's first line.
        var stages = lines.Where(l => l.Line.EndsWith("%)", StringComparison.Ordinal))
            .Select(l => (l.At, Stage: l.Line["smoothinfo: ".Length..l.Line.LastIndexOf(" (", StringComparison.Ordinal)]))
            .ToList();
        var firsts = stages.Where((l, i) => i == 0 || stages[i - 1].Stage != l.Stage).ToList();
        var parts = new List<string> { $"start-up and loading {Seconds(firsts.Count > 0 ? firsts[0].At : total)}" };
        for (int i = 0; i < firsts.Count; i++)
            parts.Add($"{firsts[i].Stage} {Seconds((i + 1 < firsts.Count ? firsts[i + 1].At : total) - firsts[i].At)}");
        string summary = lines.Select(l => l.Line).LastOrDefault(line => line.StartsWith("smoothinfo:", StringComparison.Ordinal) && !line.EndsWith("%)")) ?? "";
        return $"{summary.Replace('|', '/')}; stages: {string.Join(", ", parts)} (the last includes writing result.json and exit)";
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s";

    /// <summary>src/SmoothInfo.Cli's Release build, found from this program's folder upward.</summary>
    private static string ToolPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string tool = Path.Combine(dir.FullName, "src", "SmoothInfo.Cli", "bin", "Release", "net10.0", "smoothinfo.dll");
            if (File.Exists(tool)) return tool;
        }
        throw new FileNotFoundException("smoothinfo.dll not found above " + AppContext.BaseDirectory + ": dotnet build src/SmoothInfo.Cli -c Release");
    }
}
