using System.Globalization;
using SmoothInfo.Estimation;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Planning;

/// <summary>
/// Each route's estimated peak memory and operation count from the problem's sizes. The memory counts the tensors a route
/// holds at its peak, read off its code (named per term below) and checked against measured peaks (docs/benchmarks.md,
/// "Planner estimates"); it leaves out the process's fixed part (the .NET runtime and libtorch, about 0.4 GB) and the
/// dataset as read. Operation counts are the factorizations' leading terms, which is what the routes are compared by.
/// </summary>
internal static class RouteCosts
{
    /// <summary>Samples per block of the weight-space route (<see cref="WeightSpaceLeaveOneOut.DefaultBlockSamples"/>).</summary>
    private const long WeightSpaceBlock = WeightSpaceLeaveOneOut.DefaultBlockSamples;

    /// <summary>Width of the gaussian probe's random features.</summary>
    public const long RandomFeatureWidth = 2048;

    /// <summary>Per-sample results every route returns: weight, train and test change, and three n x k tensors (targets, initial and leave-one-out predictions).</summary>
    private static double PerSample(ProblemSize s) => s.Samples * (3.0 + 3.0 * s.Outputs);

    /// <summary>The inputs converted to the dtype, training and held-out, which the network and gaussian routes hold throughout.</summary>
    private static double Inputs(ProblemSize s) => (double)(s.Samples + s.HeldOut) * s.InputFeatures;

    /// <summary>
    /// What a run takes beyond its tensors' elements: libtorch's allocator and thread-local buffers, and code paged in on first
    /// use. Measured up to 45 MB at small sizes (docs/benchmarks.md, "Planner estimates").
    /// </summary>
    internal const long RunAllowanceBytes = 64L << 20;

    private static long Bytes(ProblemSize s, double elements) =>
        (long)Math.Min(long.MaxValue, Math.Ceiling(elements * s.ElementBytes) + RunAllowanceBytes);

    private static string Sizes(ProblemSize s) => s.ProjectedDimension is { } p
        ? Invariant($"n k = {s.Samples * s.Outputs}, d = {s.LinearizedParameters} projected to {p}")
        : Invariant($"n k = {s.Samples * s.Outputs}, d = {s.LinearizedParameters}");

    /// <summary>
    /// Function space. The kernel (N = n k) is built in the NTK's working memory, then: at t = infinity the factorization holds
    /// the kernel, its factor and the inverse (3 N^2; for k &gt; 2 the factor's inverse overwrites the factor, 2 N^2), plus the estimator's chunk memory
    /// (weightDecay auto's eigendecomposition first holds no more); at finite t the
    /// batched iteration and Chebyshev hold the kernel and, while they bound its spectrum, the Cholesky factor of a shift
    /// formed in the kernel's own storage (2 N^2), then N x (n + 1) coefficient blocks; the spectral method holds Theta + lambda I, eigenvectors, workspace
    /// and a leave-one-out sub-kernel batch (6 N^2).
    /// The held-out cross kernel (m k x N) is held throughout.
    /// </summary>
    public static RouteEstimate FunctionSpace(ProblemSize s, TrainingRun run, bool autoWeightDecay, long ntkWorkingBytes, long estimatorWorkingBytes)
    {
        double n = s.Samples, size = n * s.Outputs, cross = s.HeldOut * (double)s.Outputs * size;
        // The NTK's blocks (SampleBlocks) keep every sample's features when they fit in half their working memory, beside two
        // block products of at most 4,096 rows; otherwise they recompute them per block within that memory, and never take
        // less than two one-sample blocks. The estimator's chunks take at most theirs, or two n x N products.
        double features = s.NtkFeatureBytesPerSample > 0 ? (double)s.NtkFeatureBytesPerSample / s.ElementBytes : s.Outputs * (double)s.LinearizedParameters;
        double block = Math.Min(size, 4096), working = (double)ntkWorkingBytes / s.ElementBytes;
        double ntk = Math.Max(2 * (features + s.Outputs * (double)s.Outputs), n * features <= working / 2 ? n * features + 2 * block * block : working);
        double kernelPhase = size * size + ntk;
        double chunks = Math.Min((double)estimatorWorkingBytes / s.ElementBytes, 2 * n * size);
        double solvePhase;
        double operations;
        if (run.IsConverged)
        {
            // weightDecay auto's eigendecomposition holds the kernel, its eigenvectors and one N^2 product: no more than this.
            solvePhase = 3 * size * size + chunks;
            operations = Math.Pow(size, 3) / 3;
        }
        else
        {
            // Finite t: the method (batched iteration, Chebyshev, spectral) is chosen on the kernel's spectrum, not known yet.
            // The spectral method's six N^2 buffers bound the others' two; each costs at most min(t, 6 N) products of the
            // kernel with an N x (n + 1) block (FiniteTimeLeaveOneOut.Choose).
            solvePhase = 6 * size * size + chunks;
            double products = Math.Min(run.Dynamics == TrainingDynamics.Discrete ? run.Steps : double.PositiveInfinity, 6 * size);
            operations = 2 * products * size * size * (n + 1);
        }
        double elements = Inputs(s) + PerSample(s) + cross + Math.Max(kernelPhase, solvePhase);
        return new RouteEstimate(Route.FunctionSpace, Invariant($"function space: the {s.Samples * s.Outputs} x {s.Samples * s.Outputs} kernel ({Sizes(s)})"),
            Exact: true, Bytes(s, elements), operations);
    }

    /// <summary>
    /// Weight space on D Jacobian columns: lambda I + J^T J, its Cholesky factor and LAPACK's copy (3 D^2), J_te^T J_te with
    /// held-out samples (D^2), and per block of samples its Jacobian rows, Z = J M^-1 and their products (4 b k D).
    /// </summary>
    public static RouteEstimate WeightSpace(ProblemSize s, TrainingRun run, bool autoWeightDecay)
    {
        double columns = s.JacobianColumns, size = s.Samples * (double)s.Outputs;
        double elements = Inputs(s) + PerSample(s) + (s.HeldOut > 0 ? 4 : 3) * columns * columns + 4.0 * Math.Min(WeightSpaceBlock, s.Samples) * s.Outputs * columns;
        string? notApplicable = !run.IsConverged ? "it computes converged runs (steps: inf) only"
            : autoWeightDecay ? "weightDecay auto is chosen on the kernel's eigendecomposition"
            : !(run.WeightDecay > 0) ? "it needs a positive weight decay"
            : columns >= size ? Invariant($"the Jacobian is wide ({Sizes(s)}, d >= n k)")
            : null;
        return new RouteEstimate(Route.WeightSpace,
            Invariant($"weight space: the Jacobian is thin ({Sizes(s)}), so the {s.JacobianColumns} x {s.JacobianColumns} system lambda I + J^T J replaces the {s.Samples * s.Outputs} x {s.Samples * s.Outputs} kernel"),
            Exact: true, Bytes(s, elements), size * columns * columns + Math.Pow(columns, 3) / 3, notApplicable);
    }

    /// <summary>
    /// The final Linear layer's q x q route: the head's input features of every training and held-out sample ((n + m) q), held
    /// twice while their row blocks are concatenated, then with a fixed weight decay its Gram matrices, factor and eigenvalue
    /// copy (4 q^2) and a chunk of 8,192 rows of the design, Z and their product (3 x 8192 q); with weightDecay auto, the
    /// feature-space route on those features.
    /// </summary>
    public static RouteEstimate LinearHead(ProblemSize s, TrainingRun run, bool autoWeightDecay)
    {
        long q = s.HeadFeatures ?? 0;
        double features = (double)(s.Samples + s.HeldOut) * q;
        double solve = autoWeightDecay ? FeatureSpaceElements(q, s) : 4.0 * q * q + 3.0 * Math.Min(8192, s.Samples) * q;
        double elements = Inputs(s) + PerSample(s) + features + Math.Max(features, solve);
        // With fewer samples than head features every leverage h_i = phi_i^T C^-1 phi_i is close to 1, and 1 - h_i loses digits
        // to cancellation (measured 5e-6 relative at n = 300, q = 513).
        string? notApplicable = s.HeadFeatures is null ? "more than the final Linear layer is linearized (or the Jacobian is projected)"
            : q >= s.Samples ? Invariant($"the head has {q} inputs and only {s.Samples} samples, where the weight-space leverages lose precision")
            : !run.IsConverged ? "it computes converged runs (steps: inf) only"
            : !autoWeightDecay && !(run.WeightDecay > 0) ? "it needs a positive weight decay"
            : null;
        return new RouteEstimate(Route.LinearHead,
            Invariant($"weight space: only the final Linear layer is linearized ({Sizes(s)}), so a {q} x {q} system replaces the {s.Samples * s.Outputs} x {s.Samples * s.Outputs} kernel"),
            Exact: true, Bytes(s, elements), s.Samples * (double)q * q + Math.Pow(q, 3) / 3, notApplicable);
    }

    /// <summary>The gaussian probe's exact kernel: the inputs, five n x n matrices (kernel, eigenvectors, LAPACK workspace, squares, a product) and the m x n cross kernel.</summary>
    public static RouteEstimate ClassSharedKernel(ProblemSize s, long exactKernelSamples)
    {
        double n = s.Samples;
        double elements = Inputs(s) + PerSample(s) + 5 * n * n + s.HeldOut * n;
        return new RouteEstimate(Route.ClassSharedKernel, Invariant($"the exact {s.Samples} x {s.Samples} gaussian kernel, one eigendecomposition for every weight decay"),
            Exact: true, Bytes(s, elements), 9 * Math.Pow(n, 3),
            s.Samples > exactKernelSamples ? Invariant($"{s.Samples} samples exceed the exact kernel's {exactKernelSamples} (its eigendecomposition takes O(n^3))") : null);
    }

    /// <summary>The gaussian probe's random Fourier features: the inputs, the D x W frequencies and the feature-space route on W features.</summary>
    public static RouteEstimate RandomFeatures(ProblemSize s)
    {
        double elements = Inputs(s) + PerSample(s) + s.InputFeatures * (double)RandomFeatureWidth + FeatureSpaceElements(RandomFeatureWidth, s);
        return new RouteEstimate(Route.RandomFeatures,
            Invariant($"the gaussian kernel approximated by {RandomFeatureWidth} random Fourier features, streamed (its error: docs/kernels.md)"),
            Exact: false, Bytes(s, elements), s.Samples * (double)RandomFeatureWidth * (s.InputFeatures + 3 * RandomFeatureWidth) + 9 * Math.Pow(RandomFeatureWidth, 3));
    }

    /// <summary>The linear probe on p features: the feature-space route, plus a backbone's features held in the dtype and as one float64 array while they are standardized.</summary>
    public static RouteEstimate FeatureSpace(ProblemSize s, bool embedded)
    {
        long p = s.InputFeatures;
        double elements = PerSample(s) + FeatureSpaceElements(p + 1, s) + (embedded ? s.Samples * (double)p * (1 + 8.0 / s.ElementBytes) : 0);
        return new RouteEstimate(Route.FeatureSpace, Invariant($"the ({p} + 1) x ({p} + 1) system of the features, streamed in chunks"),
            Exact: true, Bytes(s, elements), 3 * s.Samples * (double)(p + 1) * (p + 1) + 9 * Math.Pow(p + 1, 3));
    }

    /// <summary>
    /// <see cref="FeatureSpaceLeaveOneOut"/> on p columns: Phi^T Phi, its eigenvectors, LAPACK's workspace and two p x p
    /// products (5 p^2), and a chunk of 4,096 design rows with its three temporaries.
    /// </summary>
    private static double FeatureSpaceElements(long p, ProblemSize s) =>
        5.0 * p * p + 4.0 * Math.Min(FeatureSpaceLeaveOneOut.ChunkRows, s.Samples) * (p + s.Outputs);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
