using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>Each input's distance from the subspace, and how many principal components span it.</summary>
public sealed record SubspaceResidual(double[] Distance, int Components, int Dimensions);

/// <summary>
/// How far each input lies from the subspace that holds most of the dataset's variance: the distance of the centered
/// input from the span of the fewest principal components explaining at least <c>VarianceFraction</c> of it (the
/// root of the classical PCA reconstruction error). A distance, not its square, so that its robust z behaves: with
/// few residual dimensions the square is chi-square-like with a heavy tail that ordinary Gaussian samples reach.
/// Inputs only, no labels and no model: noise, scrambled pixels or a saturated image are far from the subspace while
/// a trained feature extractor may map them into ordinary features.
/// Deterministic: the components are fitted on at most <see cref="MaxFitRows"/> evenly spaced samples, in float64.
/// </summary>
public static class PrincipalSubspaceResidual
{
    /// <summary>The share of the variance the subspace explains (docs/rules-and-reports.md: 0.95 absorbs noise images into the subspace).</summary>
    public const double VarianceFraction = 0.9;

    /// <summary>Samples the components are fitted on; bounds the cost on large datasets, every sample is measured.</summary>
    public const int MaxFitRows = 4096;

    private const long BlockRows = 4096;

    /// <summary>A residual below this fraction of the input's own energy is rounding, not distance.</summary>
    private const double NegligibleFraction = 1e-12;

    /// <param name="inputs">[n, ...] inputs as the model takes them; flattened per sample.</param>
    public static SubspaceResidual Compute(Tensor inputs, double varianceFraction = VarianceFraction)
    {
        long n = inputs.shape[0];
        using var flat = inputs.reshape(n, -1);
        return Compute(n, (first, rows) => flat.narrow(0, first, rows), varianceFraction);
    }

    /// <summary>The same from inputs the caller produces in row blocks (flat rows [count, d]), never all at once.</summary>
    public static SubspaceResidual Compute(long n, Func<long, long, Tensor> rows, double varianceFraction = VarianceFraction)
    {
        using var scope = NewDisposeScope();
        Tensor? sum = null;
        ForBlocks(n, (start, count) =>
        {
            var block = rows(start, count).to(float64).sum(dim: 0);
            if (sum is null) sum = block.MoveToOuterDisposeScope();
            else sum.add_(block);
        });
        var mean = (sum! / n).unsqueeze(0);
        long d = mean.shape[1];
        var basis = Basis(n, rows, mean, varianceFraction, out int components);
        var distance = new double[n];
        ForBlocks(n, (start, count) =>
        {
            var centered = rows(start, count).to(float64) - mean;
            var total = centered.square().sum(1);
            var kept = basis is null ? zeros_like(total) : centered.matmul(basis).square().sum(1);
            // Energy minus the part inside the subspace. What is left of an input the subspace holds is rounding
            // (relative 1e-16 or so, either sign); zeroed, so that it cannot become a robust-z outlier of its own.
            var remainder = total - kept;
            var values = where(remainder > NegligibleFraction * total, remainder, zeros_like(remainder)).sqrt().data<double>().ToArray();
            values.CopyTo(distance, start);
        });
        return new SubspaceResidual(distance, components, (int)d);
    }

    private static void ForBlocks(long n, Action<long, long> body)
    {
        for (long start = 0; start < n; start += BlockRows)
        {
            using var block = NewDisposeScope();
            body(start, Math.Min(BlockRows, n - start));
        }
    }

    /// <summary>[d, k] orthonormal principal directions, or null when the inputs do not vary.</summary>
    private static Tensor? Basis(long n, Func<long, long, Tensor> inputs, Tensor mean, double varianceFraction, out int components)
    {
        long rows = Math.Min(n, MaxFitRows);
        var chosen = linspace(0, n - 1, rows, dtype: float64).round().to(int64).data<long>().ToArray();
        var fit = cat(chosen.Select(i => inputs(i, 1).to(float64)).ToList(), 0) - mean;
        // Eigen-decompose the smaller of the covariance and the Gram matrix; both give the same directions.
        bool gram = fit.shape[1] > rows;
        var (eigenvalues, vectors) = linalg.eigh(gram ? fit.matmul(fit.t()) : fit.t().matmul(fit));
        var order = arange(eigenvalues.shape[0] - 1, -1, -1, dtype: int64);
        var values = eigenvalues.index_select(0, order).clamp_min(0);
        vectors = vectors.index_select(1, order);
        double total = values.sum().item<double>();
        components = 0;
        if (total <= 0) return null;
        var cumulative = (values.cumsum(0) / total).data<double>().ToArray();
        components = Array.FindIndex(cumulative, c => c >= varianceFraction - 1e-12) + 1;
        var top = TensorIndex.Slice(0, components);
        var basis = gram
            ? fit.t().matmul(vectors[TensorIndex.Colon, top]) / values[top].sqrt()
            : vectors[TensorIndex.Colon, top];
        return basis;
    }
}
