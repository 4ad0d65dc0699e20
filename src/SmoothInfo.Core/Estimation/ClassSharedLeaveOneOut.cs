using TorchSharp;
using SmoothInfo.Diagnostics;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// A class-shared kernel problem: Theta = K (x) I_k with K (n, n), one-hot targets and initial predictions (n, k); with
/// held-out inputs, their cross kernel K_te (m, n), so Theta_te = K_te (x) I_k.
/// </summary>
public sealed record ClassSharedProblem(Tensor Kernel, Tensor Targets, Tensor InitialPredictions, Tensor? TestKernel = null)
{
    public long SampleCount => Kernel.shape[0];
    public long OutputCount => Targets.shape[1];
}

/// <summary>
/// Exact leave-one-out at t = infinity for a class-shared kernel, for one weight decay or a whole grid of them, from a
/// single eigendecomposition K = U diag(s) U^T. With w = 1 / (s + lambda), B = (K + lambda I)^-1 = U diag(w) U^T, r = Y - f0:
///   v_i = (B r)_i / B_ii                                     (y_i - f_{-i}(x_i); the k x k block B_ss is B_ii I_k)
///   ||dw_i||^2 = ||v_i||^2 (B_ii - lambda ||B[:, i]||^2) = ||v_i||^2 sum_j u_ij^2 s_j w_j^2
///   sum over j != i of ||Theta dc_i||_j^2 = lambda^2 ||v_i||^2 (||B[:, i]||^2 - B_ii^2)
///   ||Theta_te dc_i||^2 = ||v_i||^2 ||K_te B[:, i]||^2 = ||v_i||^2 (w o u_i)^T (U^T K_te^T K_te U) (w o u_i)   (u_i: row i of U)
///   isolation_i = (1 / B_ii - lambda) / K_ii = (K_ii - k_i^T (K_{-i} + lambda I)^-1 k_i) / K_ii   (the posterior variance at x_i
///   given the others, by the block inverse of K + lambda I; a share of the prior variance K_ii)
/// with B_ii = (U o U) w and ||B[:, i]||^2 = (U o U) w^2, so every grid point costs O(n^2 k) after the O(n^3) eigendecomposition
/// (the closed forms of docs/estimator.md with k = 1 blocks; tested against <see cref="ClosedFormLeaveOneOut"/> on
/// K (x) I_k and against brute-force retraining).
/// </summary>
public static class ClassSharedLeaveOneOut
{
    /// <summary>Leave-one-out errors on the grid, the choice among them, and every sample's quantities at that choice.</summary>
    /// <param name="names">How errors name the settings (the policy's keys, or the CLI's flags).</param>
    public static (LeaveOneOutResult Result, RegularizationPath Path) Compute(ClassSharedProblem problem, IReadOnlyList<double> weightDecays,
        TrainingSettingNames? names = null)
    {
        RegularizationPath.RequireValid(weightDecays);
        long n = problem.SampleCount;
        if (n < 2) throw new InputException(ErrorCodes.TooFewSamples, $"leave-one-out needs at least 2 samples (got {n}).");
        using var scope = NewDisposeScope();
        var dtype = problem.Kernel.dtype;
        var (eigenvalues, vectors) = linalg.eigh(problem.Kernel);
        // A kernel is positive semi-definite: eigenvalues below n eps lambda_max (the rank threshold of numpy's matrix_rank) are
        // round-off of zero, and left in they reach ||dw||^2 through s w^2 (1e-2 relative in float32 on a rank-20 kernel).
        double roundOff = n * ConditionCheck.MachineEpsilon(dtype) * eigenvalues.max().ToDouble();
        eigenvalues = eigenvalues.masked_fill(eigenvalues < roundOff, 0);
        var squares = vectors.square();
        var projected = vectors.t().matmul(problem.Targets - problem.InitialPredictions);

        var errors = new double[weightDecays.Count];
        for (int g = 0; g < weightDecays.Count; g++)
        {
            using var step = NewDisposeScope();
            var (v, _, _) = Residuals(vectors, squares, projected, eigenvalues, weightDecays[g]);
            errors[g] = v.square().sum(1).mean().ToDouble();
        }
        var path = RegularizationPath.Of(weightDecays, errors);
        double lambda = path.Chosen;

        double largest = eigenvalues.max().ToDouble(), smallest = eigenvalues.min().ToDouble();
        double condition = (largest + lambda) / (smallest + lambda);
        ConditionCheck.Require(condition, dtype, AtConvergence(lambda, names));
        var (residual, diagonal, w) = Residuals(vectors, squares, projected, eigenvalues, lambda);
        var columnNorms = squares.matmul(w.square());                                    // ||B[:, i]||^2, only at the choice
        var vNorm = residual.square().sum(1);
        // B_ii - lambda ||B[:, i]||^2 = sum_j u_ij^2 s_j w_j^2, a sum of non-negative terms (the difference cancels).
        var weightChange = vNorm * squares.matmul(eigenvalues * w.square());
        var trainChange = vNorm * (columnNorms - diagonal.square()) * (lambda * lambda / (n - 1));
        var looPrediction = problem.Targets - residual;
        Tensor? testChange = null;
        if (problem.TestKernel is { } testKernel)
        {
            var rotated = testKernel.matmul(vectors);                                    // K_te U, (m, n)
            var weighted = vectors * w;                                                  // row i: w o u_i
            testChange = vNorm * (weighted.matmul(rotated.t().matmul(rotated)) * weighted).sum(1) / testKernel.shape[0];
        }
        var solver = new SolverReport("closed-form class-shared",
            $"Theta = K (x) I_k, so one eigendecomposition of the {n} x {n} kernel serves every weight decay on the grid",
            condition, dtype.ToString().ToLowerInvariant(), path);
        var isolation = (diagonal.reciprocal() - lambda).div_(problem.Kernel.diagonal()).clamp_(0, 1);   // round-off kept in [0, 1]
        var result = new LeaveOneOutResult(weightChange, trainChange, testChange, looPrediction, problem.TestKernel?.shape[0] ?? 0, solver)
            { Isolation = isolation }.MoveToOuter();
        return (result, path);
    }

    /// <summary>The converged run the condition check words its fix for.</summary>
    internal static TrainingRun AtConvergence(double weightDecay, TrainingSettingNames? names) =>
        new(1.0, double.PositiveInfinity, weightDecay) { Names = names ?? TrainingSettingNames.CommandLine };

    /// <summary>The leave-one-out residuals v (n, k), B_ii, and the spectral weights w = 1 / (s + lambda) at one weight decay.</summary>
    private static (Tensor Residual, Tensor Diagonal, Tensor Weights) Residuals(Tensor vectors, Tensor squares, Tensor projected,
        Tensor eigenvalues, double lambda)
    {
        var w = (eigenvalues + lambda).reciprocal();
        var diagonal = squares.matmul(w);
        var fitted = vectors.matmul(projected * w.unsqueeze(1));                      // B r
        return (fitted / diagonal.unsqueeze(1), diagonal, w);
    }
}
