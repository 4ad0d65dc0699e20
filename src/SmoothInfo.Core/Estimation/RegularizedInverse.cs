using TorchSharp;
using SmoothInfo.Diagnostics;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// What the closed form reads of B = (Theta + lambda I)^{-1} (N = n k): B r, its k x k diagonal blocks B_ss, and per
/// sample B[:, s] v. From the Cholesky factor L, two ways: B itself (potri: N^3/3 + N^3/3 flops, then each read is
/// cheap), or X = L^{-1} alone (N^3/3) with B = X^T X applied through it, B[:, s] v for all samples then costing
/// 2 N^3 / (3 k) flops in block products that skip X's zero triangle. The second is cheaper for k &gt; 2; it has no B to
/// take the exact 1-norm of, so the condition number is estimated as LAPACK's dpocon does.
/// </summary>
public abstract class RegularizedInverse : IDisposable
{
    protected RegularizedInverse(long outputs) => Outputs = outputs;

    protected long Outputs { get; }

    /// <summary>True when <see cref="OneNorm"/> is an estimate (a lower bound, in practice within a factor of 3).</summary>
    public abstract bool OneNormIsEstimated { get; }

    /// <summary>||B||_1.</summary>
    public abstract double OneNorm();

    /// <summary>B r for a vector r (N).</summary>
    public abstract Tensor Apply(Tensor vector);

    /// <summary>B_ss of every sample (n x k x k).</summary>
    public abstract Tensor DiagonalBlocks();

    /// <summary>Row j: B[:, s_j] v_j for samples first .. first + count - 1 (count x N); v is n x k.</summary>
    public abstract Tensor WeightedColumns(Tensor v, long first, long count);

    public abstract void Dispose();

    /// <summary>
    /// Factors Theta + lambda I (refusing a kernel that is not positive definite, with the fix) and keeps the cheaper
    /// form for k outputs: at most three N^2 matrices live at once (the kernel, the factor and B; L^{-1} overwrites the factor).
    /// </summary>
    /// <param name="oneNorm">||Theta + lambda I||_1.</param>
    public static RegularizedInverse Of(Tensor kernel, long outputs, TrainingRun run, string name, IProgress<EstimatorProgress>? progress, out double oneNorm)
    {
        var factor = Factor(kernel, run, name, out oneNorm);
        progress?.Report(new EstimatorProgress("inverting the factor", 0.25));
        if (outputs <= 2)
        {
            using (factor) return new ExplicitInverse(cholesky_inverse(factor), outputs);
        }
        TriangularInverse.InvertLowerInPlace(factor);
        return new FactorInverse(factor, outputs);
    }

    /// <summary>The Cholesky factor of Theta + lambda I, formed in the kernel's storage and restored (the caller never sees it changed).</summary>
    private static Tensor Factor(Tensor kernel, TrainingRun run, string name, out double oneNorm)
    {
        double lambda = run.WeightDecay;
        (var factor, var info, oneNorm) = Conditioning.WithShiftedDiagonal(kernel, negated: false, lambda, regularized =>
        {
            var (l, status) = linalg.cholesky_ex(regularized);
            return (l, status, Conditioning.SymmetricOneNorm(regularized));
        });
        using (info)
        {
            if (info.ToInt64() == 0) return factor;
        }
        factor.Dispose();
        throw lambda == 0
            ? new InputException(ErrorCodes.SingularSystem,
                "the kernel is singular (not positive definite), so training to convergence without weight decay has no " +
                "unique answer: some direction of the data is never pinned down.",
                $"add weight decay (e.g. {run.Names.WeightDecayExample}), or measure a finite run with {run.Names.FiniteSteps}.",
                run.Names.WeightDecayLocation ?? new SourceLocation(name))
            : new InputException(ErrorCodes.SingularSystem,
                $"the kernel plus weight decay {lambda:G3} is not positive definite: the kernel has an eigenvalue below " +
                $"-{lambda:G3}, which an NTK J J^T cannot have.",
                "check that the file holds the train x train kernel J J^T, sample-major.", new SourceLocation(name));
    }

    /// <summary>B formed (cholesky_inverse): every read is a slice of it.</summary>
    private sealed class ExplicitInverse(Tensor inverse, long outputs) : RegularizedInverse(outputs)
    {
        private long Size => inverse.shape[0];

        public override bool OneNormIsEstimated => false;

        public override double OneNorm() => Conditioning.SymmetricOneNorm(inverse);

        public override Tensor Apply(Tensor vector) => inverse.matmul(vector);

        public override Tensor DiagonalBlocks()
        {
            long n = Size / Outputs;
            return inverse.view(n, Outputs, n, Outputs).diagonal(0, 0, 2).permute(2, 0, 1);
        }

        // Rows of B for these samples are the columns B[:, s] (B is symmetric).
        public override Tensor WeightedColumns(Tensor v, long first, long count) =>
            v.narrow(0, first, count).unsqueeze(1).bmm(inverse.narrow(0, first * Outputs, count * Outputs).view(count, Outputs, Size)).squeeze(1);

        public override void Dispose() => inverse.Dispose();
    }

    /// <summary>X = L^{-1}, lower triangular, B = X^T X.</summary>
    private sealed class FactorInverse(Tensor inverseFactor, long outputs) : RegularizedInverse(outputs)
    {
        private const long ProductBlock = 1024;

        private long Size => inverseFactor.shape[0];

        public override bool OneNormIsEstimated => true;

        public override double OneNorm() =>
            OneNormEstimate.Symmetric(Apply, Size, inverseFactor.dtype, inverseFactor.device);

        public override Tensor Apply(Tensor vector)
        {
            using var inner = inverseFactor.matmul(vector);
            return inverseFactor.T.matmul(inner);
        }

        // B_ss = sum over rows q of X[q, s]^T X[q, s], in row blocks of X; a block's rows reach only the columns left of its end.
        public override Tensor DiagonalBlocks()
        {
            long size = Size, k = Outputs, n = size / k;
            var blocks = zeros(n, k, k, dtype: inverseFactor.dtype, device: inverseFactor.device);
            for (long start = 0; start < size; start += TriangularInverse.DefaultBlock)
            {
                using var scope = NewDisposeScope();
                long rows = Math.Min(TriangularInverse.DefaultBlock, size - start);
                long samples = Math.Min(n, (start + rows + k - 1) / k);
                var part = inverseFactor.narrow(0, start, rows).narrow(1, 0, samples * k).reshape(rows, samples, k).permute(1, 0, 2); // (samples, rows, k)
                blocks.narrow(0, 0, samples).add_(part.transpose(1, 2).bmm(part));
            }
            return blocks;
        }

        // B[:, s_j] v_j = X^T y_j with y_j = X[:, s_j] v_j, summed over row blocks q of X: X[q, :] is zero right of q's end and
        // y_j[q] zero for samples that start below it, so each block multiplies only those parts (2 N^3 / (3 k) flops for all
        // samples where a dense product takes 2 N^3 / k). Blocks of 1,024 rows: the output is updated N / 1,024 times.
        public override Tensor WeightedColumns(Tensor v, long first, long count)
        {
            using var scope = NewDisposeScope();
            long size = Size, k = Outputs, top = first * k;
            var weights = v.narrow(0, first, count);
            var result = zeros(size, count, dtype: inverseFactor.dtype, device: inverseFactor.device);
            for (long start = top; start < size; start += ProductBlock)
            {
                using var blockScope = NewDisposeScope();
                long rows = Math.Min(ProductBlock, size - start), end = start + rows;
                long samples = Math.Min(count, (end - top + k - 1) / k);
                var rowBlock = inverseFactor.narrow(0, start, rows);
                var y = (rowBlock.narrow(1, top, samples * k).view(rows, samples, k) * weights.narrow(0, 0, samples)).sum(2); // (rows, samples)
                result.narrow(0, 0, end).narrow(1, 0, samples).addmm_(rowBlock.narrow(1, 0, end).T, y);
            }
            return result.T.contiguous().MoveToOuterDisposeScope();
        }

        public override void Dispose() => inverseFactor.Dispose();
    }
}
