namespace SmoothInfo.Planning;

/// <summary>The ways the estimator can run; which apply depends on the probe, the network and the training run.</summary>
public enum Route
{
    /// <summary>The (n k x n k) network kernel and the estimator on it (closed form, finite t, or the weight-decay path).</summary>
    FunctionSpace,

    /// <summary>Woodbury on the d x d system lambda I + J^T J from Jacobian rows streamed in blocks.</summary>
    WeightSpace,

    /// <summary>Only the final Linear layer linearized: a q x q system of its input features (q = inputs + 1).</summary>
    LinearHead,

    /// <summary>The gaussian probe's exact n x n class-shared kernel, one eigendecomposition for the whole weight-decay grid.</summary>
    ClassSharedKernel,

    /// <summary>The gaussian probe's kernel approximated by random Fourier features, solved in feature space, streamed.</summary>
    RandomFeatures,

    /// <summary>The linear probe: a (p + 1) x (p + 1) system of the features, streamed in chunks.</summary>
    FeatureSpace,
}

/// <summary>
/// One route as the planner sees it before anything large is allocated: whether it applies (and if not, why), whether it
/// is exact, its estimated peak memory in bytes (the tensors it holds at once, calibrated in docs/benchmarks.md) and a
/// rough operation count.
/// </summary>
public sealed record RouteEstimate(Route Route, string Description, bool Exact, long PeakBytes, double Operations, string? NotApplicable = null)
{
    public bool Applies => NotApplicable is null;
}
