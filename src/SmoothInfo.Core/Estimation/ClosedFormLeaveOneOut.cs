using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// Exact leave-one-out at t = infinity from one Cholesky factorization of Theta_l = Theta + lambda*I.
/// With B = Theta_l^{-1}, a = B r and s the k rows of sample i (design note, "Fast exact leave-one-out"):
/// v_i = B_ss^{-1} a_s; r_i - (f_{-i}(x_i) - f0_i) = v_i; dc_i = B[:, s] v_i;
/// ||dw_i||^2 = v_i^T B_ss v_i - lambda ||B[:, s] v_i||^2; Theta dc_i = (I - lambda B)[:, s] v_i;
/// Theta_te dc_i = Theta_te (B[:, s] v_i). Cost: O((nk)^3) once, then O((nk)^2 (1 + m)) for all samples (m held out).
/// </summary>
public static class ClosedFormLeaveOneOut
{
    public static LeaveOneOutResult Compute(KernelProblem problem, TrainingRun run, long workingMemoryBytes,
        IProgress<EstimatorProgress>? progress)
    {
        long n = problem.SampleCount, k = problem.OutputCount, size = n * k;
        double lambda = run.WeightDecay;
        var dtype = problem.TrainKernel.dtype;

        progress?.Report(new EstimatorProgress("factorizing the kernel", 0));
        using var inverse = RegularizedInverse.Of(problem.TrainKernel, k, run, problem.NamesOrDefault.TrainKernel, progress, out double oneNorm);
        double condition = oneNorm * inverse.OneNorm();
        ConditionCheck.Require(condition, dtype, run);

        progress?.Report(new EstimatorProgress("per-sample quantities", 0.5));
        using var scope = NewDisposeScope();
        var residual = (problem.Targets - problem.InitialPredictions).reshape(size);
        var a = inverse.Apply(residual).view(n, k);
        var v = linalg.solve(inverse.DiagonalBlocks(), a.unsqueeze(-1)).squeeze(-1);          // B_ss^{-1} a_s, (n, k)

        var weightChange = empty(n, dtype: dtype);
        var trainChange = empty(n, dtype: dtype);
        var testChange = problem.HasTestSet ? empty(n, dtype: dtype) : null;
        long m = problem.TestSampleCount;
        long chunk = Math.Max(1, workingMemoryBytes / (4 * size * 8)); // D, its square and what forms D, (b x N) each
        for (long first = 0; first < n; first += chunk)
        {
            using var chunkScope = NewDisposeScope();
            long b = Math.Min(chunk, n - first);
            var vChunk = v.narrow(0, first, b);
            var d = inverse.WeightedColumns(v, first, b);                                                    // D_j = B[:, s_j] v_j = dc_j, (b, N)
            var ownBlock = (vChunk * a.narrow(0, first, b)).sum(1);                                          // v^T B_ss v

            // Squared change per (changed sample, other sample); summing the other samples' entries, not subtracting
            // the own one from the total, keeps full relative precision when the own block dominates.
            var perSample = d.view(b, n, k).square().sum(2);                                                 // (b, n)
            var total = perSample.sum(1);
            weightChange.narrow(0, first, b).copy_(ownBlock - lambda * total);
            var index = arange(b, ScalarType.Int64, d.device);
            perSample.index_put_(zeros(1, dtype: dtype, device: d.device), TensorIndex.Tensor(index), TensorIndex.Tensor(index + first));
            // Other samples' rows of Theta dc_i are -lambda D_i.
            trainChange.narrow(0, first, b).copy_(perSample.sum(1) * (lambda * lambda / (n - 1)));

            // Theta_te dc_i for the whole chunk in one product: O(mk N b), where forming Theta_te B would cost O(mk N^2).
            if (problem.TestKernel is not null)
                testChange!.narrow(0, first, b).copy_(problem.TestKernel.matmul(d.T).view(m, k, b).square().sum(new long[] { 0, 1 }) / m);
            progress?.Report(new EstimatorProgress("per-sample quantities", 0.5 + 0.5 * (first + b) / n));
        }
        var looPrediction = problem.Targets - v;
        var solver = new SolverReport("closed-form",
            "t = infinity: one Cholesky factorization of Theta + lambda*I gives every leave-one-out problem exactly" +
            (inverse.OneNormIsEstimated ? " (its 1-norm condition number estimated from the factor, as LAPACK's dpocon does)" : ""),
            condition, dtype.ToString().ToLowerInvariant());
        return new LeaveOneOutResult(weightChange, trainChange, testChange, looPrediction, m, solver).MoveToOuter();
    }
}
