using SmoothInfo.Models;

namespace SmoothInfo.Kernels;

/// <summary>Where a kernel computation is: Done of Total blocks of the (rows x columns) sample-block grid.</summary>
public readonly record struct KernelProgress(long Done, long Total);

/// <summary>
/// Options of the empirical NTK. The kernel is computed in the network's dtype on the network's device (build or move
/// the network there first: float64 on the CPU is the default of the probe networks).
/// </summary>
public sealed record NtkOptions
{
    public ParameterSelection Selection { get; init; } = ParameterSelection.All;

    /// <summary>
    /// Bound on working memory beyond the result itself: per-sample features of the sample blocks in use and the block
    /// products. When the features of all samples fit in half of it they are computed once and kept; otherwise
    /// they are recomputed per block (one forward and k backward passes per block), so memory stays bounded.
    /// </summary>
    public long MemoryBudgetBytes { get; init; } = 2L << 30;

    /// <summary>Samples per block; null derives it from the budget.</summary>
    public int? SamplesPerBlock { get; init; }

    /// <summary>
    /// At most this many samples per block when the size is derived from the budget (the policy's
    /// estimator.kernel.blockSize): a smaller block bounds the working memory further, whatever the budget allows.
    /// </summary>
    public int? MaxSamplesPerBlock { get; init; }

    /// <summary>
    /// Null: the exact kernel J J^T. Otherwise the kernel of J_p = J R, an unbiased estimate from p columns for
    /// networks too wide for the exact one (its error is measured in docs/kernels.md).
    /// </summary>
    public JacobianProjection? Projection { get; init; }

    public IProgress<KernelProgress>? Progress { get; init; }
}
