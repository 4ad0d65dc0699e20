using TorchSharp;
using SmoothInfo.Diagnostics;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>Norms, condition numbers and the step-size check for discrete gradient descent.</summary>
public static class Conditioning
{
    private const long RowBlock = 1024;

    /// <summary>The 1-norm (largest absolute column sum) of a symmetric matrix, in row blocks: no n^2 temporary.</summary>
    public static double SymmetricOneNorm(Tensor matrix)
    {
        double norm = 0;
        for (long start = 0; start < matrix.shape[0]; start += RowBlock)
        {
            using var scope = NewDisposeScope();
            // vector_norm sums absolute values without materializing them: about 20x faster than abs().sum().
            norm = Math.Max(norm, linalg.vector_norm(matrix.narrow(0, start, Math.Min(RowBlock, matrix.shape[0] - start)), 1, new long[] { 1 }).max().ToDouble());
        }
        return norm;
    }

    /// <summary>
    /// Gradient descent with step h on Theta_l converges only if h * lambda_max(Theta_l) &lt; 2. The 1-norm bounds
    /// lambda_max from above, so most runs pass for free; otherwise (2/h) I - Theta_l must be positive definite,
    /// which one Cholesky attempt decides exactly. Leave-one-out kernels are principal submatrices, whose
    /// eigenvalues interlace, so checking the full kernel with the larger leave-one-out step covers every run.
    /// </summary>
    public static void RequireConvergentStep(Tensor kernel, TrainingRun run, long sampleCount)
    {
        double step = run.LeaveOneOutLearningRate(sampleCount);
        if (step * (SymmetricOneNorm(kernel) + run.WeightDecay) < 2) return;
        using var scope = NewDisposeScope();
        var shifted = kernel.neg();
        shifted.diagonal().add_(2 / step - run.WeightDecay);
        var (_, info) = linalg.cholesky_ex(shifted);
        if (info.ToInt64() == 0) return;
        shifted.Dispose();
        double largest = LargestEigenvalue(kernel) + run.WeightDecay;
        string which = run.Loss == LossReduction.Mean
            ? $"the leave-one-out step eta*n/(n-1) = {step:G4} (mean loss over n-1 samples)"
            : $"the step {step:G4}";
        throw new InputException(ErrorCodes.GradientDescentDiverges,
            $"discrete gradient descent diverges: {which} times the largest eigenvalue of the kernel plus weight decay " +
            $"(about {largest:G4}) is {step * largest:G4}, and it must stay below 2.",
            $"lower --learning-rate below {2 / largest * run.LearningRate / step:G3}, or pass --continuous for gradient flow.");
    }

    /// <summary>Theta + lambda*I as a new tensor (the diagonal shifted in place: no identity matrix is formed).</summary>
    public static Tensor Regularized(Tensor kernel, double weightDecay)
    {
        var regularized = kernel.clone();
        // Dispose the view at once: an undisposed view keeps the whole storage alive until the GC finalizes it.
        using (var diagonal = regularized.diagonal()) diagonal.add_(weightDecay);
        return regularized;
    }

    /// <summary>lambda_max of a symmetric PSD matrix by power iteration; only used to word an error message.</summary>
    private static double LargestEigenvalue(Tensor matrix)
    {
        using var scope = NewDisposeScope();
        var x = ones(matrix.shape[0], dtype: matrix.dtype, device: matrix.device);
        double estimate = 0;
        for (int i = 0; i < 200; i++)
        {
            var y = matrix.matmul(x);
            estimate = y.norm().ToDouble() / x.norm().ToDouble();
            x = y / y.norm();
        }
        return estimate;
    }
}
