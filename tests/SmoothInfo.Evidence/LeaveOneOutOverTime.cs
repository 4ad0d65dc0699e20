using SmoothInfo.Estimation;
using SmoothInfo.Policy.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>
/// Exact leave-one-out of a class-shared kernel problem (Theta = K (x) I_k, a linear head's kernel) at many training times
/// at once. The product's finite-t path (<see cref="FiniteTimeLeaveOneOut"/>) decomposes the n leave-one-out kernels of size
/// n k for each t; here each output column is its own problem on K, so the n leave-one-out kernels of size n - 1 are
/// decomposed once and every t costs only products (<see cref="SpectralFilter"/> maps eigenvalues to coefficients).
/// The quantities are the product's (<see cref="LeaveOneOutQuantities"/>) per column, summed over the columns.
/// Tested against the product's path on K (x) I_k (LeaveOneOutOverTimeTests).
/// </summary>
public static class LeaveOneOutOverTime
{
    private const int Batch = 32;

    /// <returns>One result per time, in the order given.</returns>
    public static IReadOnlyList<LeaveOneOutResult> Compute(ClassSharedProblem problem, TrainingRun run, IReadOnlyList<double> times)
    {
        using var scope = NewDisposeScope();
        long n = problem.SampleCount, k = problem.OutputCount;
        var kernel = problem.Kernel;
        var regularized = kernel + run.WeightDecay * eye(n, dtype: kernel.dtype);
        var residual = problem.Targets - problem.InitialPredictions;
        var (values, vectors) = linalg.eigh(regularized);
        foreach (double t in times)
            ConditionCheck.Require(SpectralFilter.Condition(values, run.LearningRate, t, run.Dynamics), kernel.dtype, run with { Steps = t });
        var full = times.Select(t => vectors.matmul(SpectralFilter.Coefficients(values, run.LearningRate, t, run.Dynamics).unsqueeze(1) * vectors.T.matmul(residual)))
            .ToArray();                                                                          // (n, k) per time
        var chunks = times.Select(_ => new List<LeaveOneOutQuantities.Chunk>()).ToArray();
        double step = run.LeaveOneOutLearningRate(n);
        for (long first = 0; first < n; first += Batch)
        {
            using var chunkScope = NewDisposeScope();
            long b = Math.Min(Batch, n - first);
            var kept = Enumerable.Range(0, (int)b).Select(j => Kept(n, first + j)).ToList();
            var (subValues, subVectors) = linalg.eigh(stack(kept.Select(rows => regularized.index_select(0, rows).index_select(1, rows)).ToList()));
            var projected = subVectors.transpose(1, 2).matmul(stack(kept.Select(rows => residual.index_select(0, rows)).ToList())); // (b, n-1, k)
            for (int time = 0; time < times.Count; time++)
            {
                var filter = SpectralFilter.Coefficients(subValues, step, times[time], run.Dynamics).unsqueeze(-1);
                var sub = subVectors.matmul(filter * projected);                                 // (b, n-1, k)
                var loo = zeros(n, k, b, dtype: kernel.dtype);                                   // zeros on the left-out sample's row
                for (int j = 0; j < b; j++) loo.select(2, j).index_copy_(0, kept[j], sub[j]);
                var columns = Enumerable.Range(0, (int)k).Select(c =>
                {
                    var coefficients = full[time].select(1, c);
                    return LeaveOneOutQuantities.FromCoefficients(kernel, problem.TestKernel, coefficients, kernel.matmul(coefficients), loo.select(1, c),
                        problem.InitialPredictions.narrow(1, c, 1), first);
                }).ToList();
                chunks[time].Add(new LeaveOneOutQuantities.Chunk(
                    columns.Select(q => q.WeightChange).Aggregate((a, q) => a + q),
                    columns.Select(q => q.TrainPredictionChange).Aggregate((a, q) => a + q),
                    problem.TestKernel is null ? null : columns.Select(q => q.TestPredictionChange!).Aggregate((a, q) => a + q),
                    cat(columns.Select(q => q.LeaveOneOutPrediction).ToList(), 1)).MoveToOuter());
            }
        }
        long m = problem.TestKernel?.shape[0] ?? 0;
        return times.Select((t, time) =>
        {
            var solver = new SolverReport("spectral, all times", $"one eigendecomposition per leave-one-out kernel for all {times.Count} times", null,
                kernel.dtype.ToString().ToLowerInvariant());
            return LeaveOneOutQuantities.Combine(chunks[time], m, solver).MoveToOuter();
        }).ToList();
    }

    private static Tensor Kept(long n, long sample) =>
        cat(new[] { arange(0, sample, 1, ScalarType.Int64), arange(sample + 1, n, 1, ScalarType.Int64) }, 0);
}
