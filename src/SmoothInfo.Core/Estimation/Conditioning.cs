using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>Norms and the regularized kernel.</summary>
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
    /// Whether (-)M + shift * I is positive definite, by attempting its Cholesky factorization (O(N^3)): LAPACK's potrf
    /// succeeds exactly when no pivot is non-positive, which decides definiteness up to the factorization's backward error
    /// (a small multiple of N eps ||M||). Formed in M's own storage (<see cref="WithShiftedDiagonal"/>).
    /// </summary>
    public static bool IsPositiveDefinite(Tensor matrix, bool negated, double shift) =>
        WithShiftedDiagonal(matrix, negated, shift, shifted =>
        {
            var (factor, info) = linalg.cholesky_ex(shifted);
            using (factor) using (info) return info.ToInt64() == 0;
        });

    /// <summary>
    /// Runs <paramref name="use"/> on (-)M + shift * I formed in M's own storage, then restores M bit for bit (negation is
    /// exact; the diagonal comes back from a copy). A shifted clone would be a fresh N^2 allocation: 1.5 s of page faults
    /// at N = 10,000 on the benchmark machine, and N^2 more memory at the peak.
    /// </summary>
    public static T WithShiftedDiagonal<T>(Tensor matrix, bool negated, double shift, Func<Tensor, T> use)
    {
        using var diagonal = matrix.diagonal();
        using var saved = diagonal.clone();
        try
        {
            if (negated) matrix.neg_();
            diagonal.add_(shift);
            return use(matrix);
        }
        finally
        {
            if (negated) matrix.neg_();
            diagonal.copy_(saved);
        }
    }

    /// <summary>Theta + lambda*I as a new tensor (the diagonal shifted in place: no identity matrix is formed).</summary>
    public static Tensor Regularized(Tensor kernel, double weightDecay)
    {
        var regularized = kernel.clone();
        // Dispose the view at once: an undisposed view keeps the whole storage alive until the GC finalizes it.
        using (var diagonal = regularized.diagonal()) diagonal.add_(weightDecay);
        return regularized;
    }
}
