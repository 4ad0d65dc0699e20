using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// <c>weightDecay: auto</c> on the full (n k x n k) kernel (function space): one eigendecomposition Theta = U diag(s) U^T serves
/// every grid point. With w = 1 / (s + lambda) and U_s the k rows of sample i, B r = U (w o U^T r) and the k x k block
/// B_ss = U_s diag(w) U_s^T, so the leave-one-out residual v_i = B_ss^-1 (B r)_s (docs/estimator.md) costs O(n k^2 (n k)) per
/// grid point for all samples, instead of a new factorization. Returns the curve and the choice; the caller then runs the
/// estimator at the chosen weight decay. Tested against the closed form at every grid point.
/// </summary>
public static class KernelWeightDecayPath
{
    public static RegularizationPath Choose(KernelProblem problem, IReadOnlyList<double> weightDecays)
    {
        using var scope = NewDisposeScope();
        long n = problem.SampleCount, k = problem.OutputCount;
        var (eigenvalues, vectors) = linalg.eigh(problem.TrainKernel);
        eigenvalues = eigenvalues.clamp_min(0);
        var residual = (problem.Targets - problem.InitialPredictions).reshape(n * k);
        var projected = vectors.t().matmul(residual);
        var blocks = vectors.reshape(n, k, n * k);                                          // U_s for every sample
        var errors = new double[weightDecays.Count];
        for (int g = 0; g < weightDecays.Count; g++)
        {
            using var step = NewDisposeScope();
            var w = (eigenvalues + weightDecays[g]).reciprocal();
            var fitted = vectors.matmul(projected * w).reshape(n, k, 1);                   // (B r)_s
            var diagonalBlocks = (blocks * w).matmul(blocks.transpose(1, 2));              // B_ss, (n, k, k)
            var v = linalg.solve(diagonalBlocks, fitted);
            errors[g] = v.square().sum(new long[] { 1, 2 }).mean().ToDouble();
        }
        return RegularizationPath.Of(weightDecays, errors);
    }

    /// <summary>The grid in the kernel's own units: its mean eigenvalue, trace / (n k).</summary>
    public static double Scale(Tensor kernel) => kernel.diagonal().mean().ToDouble();
}
