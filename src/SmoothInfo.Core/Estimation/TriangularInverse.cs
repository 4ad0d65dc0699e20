using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// L^{-1} of a lower-triangular matrix by blocks, about N^3/3 flops (LAPACK's trtri), where a solve against the identity
/// costs N^3. libtorch exposes no trtri, and its solve_triangular copies a strided sub-matrix, so the blocks go through
/// matrix products, which take strided views as they are: with X = L^{-1}, block row I and block column J &lt; I,
/// X[I,J] = -X[I,I] (L[I, J..I) X[J..I), J]).
/// </summary>
public static class TriangularInverse
{
    /// <summary>Small enough that the triangular blocks treated as dense waste little (about 1.5 b N^2 flops), large enough for fast products.</summary>
    public const long DefaultBlock = 256;

    public static Tensor Lower(Tensor lower, long block = DefaultBlock)
    {
        long size = lower.shape[0];
        var inverse = zeros_like(lower);
        long blocks = (size + block - 1) / block;
        long Start(long b) => b * block;
        long Width(long b) => Math.Min(block, size - b * block);

        for (long b = 0; b < blocks; b++)
        {
            using var scope = NewDisposeScope();
            var diagonal = lower.narrow(0, Start(b), Width(b)).narrow(1, Start(b), Width(b));
            var identity = eye(Width(b), dtype: lower.dtype, device: lower.device);
            inverse.narrow(0, Start(b), Width(b)).narrow(1, Start(b), Width(b)).copy_(linalg.solve_triangular(diagonal, identity, upper: false));
        }
        for (long j = 0; j < blocks; j++)
        {
            for (long i = j + 1; i < blocks; i++)
            {
                using var scope = NewDisposeScope();
                long span = Start(i) - Start(j);
                var row = lower.narrow(0, Start(i), Width(i)).narrow(1, Start(j), span);
                var column = inverse.narrow(0, Start(j), span).narrow(1, Start(j), Width(j));
                var diagonalInverse = inverse.narrow(0, Start(i), Width(i)).narrow(1, Start(i), Width(i));
                inverse.narrow(0, Start(i), Width(i)).narrow(1, Start(j), Width(j)).copy_(diagonalInverse.matmul(row.matmul(column)).neg_());
            }
        }
        return inverse;
    }
}
