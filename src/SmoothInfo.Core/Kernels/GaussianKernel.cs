using static TorchSharp.torch;

namespace SmoothInfo.Kernels;

/// <summary>
/// The Gaussian kernel K[i, j] = exp(-||x_i - x_j||^2 / h), class-shared (Theta = K (x) I_k) by construction. It is the
/// neural tangent kernel of an infinitely wide random-Fourier-feature network linearized in its output layer
/// (f(x) = sum_j a_j sqrt(2/m) cos(w_j . x + b_j), w_j ~ N(0, 2/h I), b_j ~ U[0, 2 pi), m -> infinity), so the paper's
/// closed forms apply unchanged. Unlike the ReLU kernels it is shift-invariant and bounded: a sample far from every
/// other one is predicted at the prior, never extrapolated, which is what lets the label signal see corrupted inputs.
/// </summary>
public static class GaussianKernel
{
    /// <summary>Pairs for the median bandwidth come from at most this many evenly spaced samples (deterministic).</summary>
    public const int BandwidthSamples = 4096;

    /// <summary>The (n, n) kernel of (n, d) features and the bandwidth h it used: the given one, or the median heuristic.</summary>
    public static (Tensor Kernel, double Bandwidth) Compute(Tensor features, double? bandwidth = null)
    {
        using var scope = NewDisposeScope();
        var x = features.reshape(features.shape[0], -1);
        double h = bandwidth ?? MedianSquaredDistance(x);
        var kernel = SquaredDistances(x, x).div_(-h).exp_();
        kernel = kernel.add(kernel.t()).mul_(0.5); // exactly symmetric for the eigendecomposition
        kernel.diagonal().fill_(1.0);
        return (kernel.MoveToOuterDisposeScope(), h);
    }

    /// <summary>The (m, n) cross kernel of held-out features (m, d) against training features (n, d), at the training kernel's bandwidth.</summary>
    public static Tensor Cross(Tensor heldOut, Tensor train, double bandwidth)
    {
        using var scope = NewDisposeScope();
        return SquaredDistances(heldOut.reshape(heldOut.shape[0], -1), train.reshape(train.shape[0], -1)).div_(-bandwidth).exp_().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The median of ||x_i - x_j||^2 over pairs i &lt; j: the usual scale-free choice, so standardized tables and raw
    /// pixels get the same kernel shape without a tuned constant. Zero only when every input is identical; then 1.
    /// </summary>
    public static double MedianSquaredDistance(Tensor x)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0];
        var subset = n <= BandwidthSamples ? x : x.index_select(0, linspace(0, n - 1, BandwidthSamples).round().to(int64));
        long m = subset.shape[0];
        if (m < 2) return 1.0;
        var distances = SquaredDistances(subset, subset);
        var upper = triu_indices(m, m, 1);
        var pairs = distances.index(upper[0], upper[1]);
        double median = pairs.median().item<double>();
        return median > 0 ? median : 1.0;
    }

    /// <summary>||a_i - b_j||^2, clamped at 0 against round-off.</summary>
    private static Tensor SquaredDistances(Tensor a, Tensor b)
    {
        var aa = a.square().sum(1, keepdim: true);
        var bb = b.square().sum(1, keepdim: true).t();
        return (aa + bb).addmm_(a, b.t(), beta: 1, alpha: -2).clamp_min_(0);
    }
}
