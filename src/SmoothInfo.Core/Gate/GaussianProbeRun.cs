using System.Globalization;
using SmoothInfo.Data;
using SmoothInfo.Estimation;
using SmoothInfo.Kernels;
using SmoothInfo.Planning;
using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Gate;

/// <summary>
/// The gaussian probe's run: the preprocessed inputs, their Gaussian kernel (class-shared, so an n x n system whatever
/// the number of classes), the weight decay fixed or chosen by the exact leave-one-out error, and every sample's
/// leave-one-out quantities at it. Initial predictions are the class frequencies (the output layer's bias at the prior),
/// so a sample the kernel cannot place anywhere is predicted at the prior rather than at zero.
/// The planner decides the route (<see cref="RoutePlanner.ForGaussianProbe"/>): up to <see cref="ExactKernelSamples"/> samples
/// the kernel is exact, when it fits the memory budget; otherwise the same kernel is approximated by
/// <see cref="RandomFeatureWidth"/> random Fourier features and the linearized output layer is solved in feature space, in
/// chunks, so memory no longer grows with n^2.
/// </summary>
public static class GaussianProbeRun
{
    /// <summary>The n x n route's O(n^3) eigendecomposition takes about a minute at 6,000 samples; beyond, random features.</summary>
    public const int ExactKernelSamples = 6000;

    /// <summary>Width of the random-feature route: an m x m eigendecomposition and O(n m (d + m)) per pass.</summary>
    public const int RandomFeatureWidth = (int)RouteCosts.RandomFeatureWidth;

    /// <param name="backbone">A backbone's features of the samples, which replace the preprocessed inputs; null: the inputs.</param>
    /// <param name="heldOut">Held-out samples F-SI is measured on (without a backbone: the gate refuses that pair before).</param>
    /// <param name="plan">The planner's route: <see cref="Route.ClassSharedKernel"/> or <see cref="Route.RandomFeatures"/>.</param>
    public static LeaveOneOutResult Estimate(Plan plan, Dataset dataset, TrainingPolicy training, long seed, ScalarType dtype, Device device,
        TrainingSettingNames names, BackboneFeatures? backbone = null, Dataset? heldOut = null)
    {
        if (backbone is not null && heldOut is not null) throw new ArgumentException("held-out samples are not embedded by the backbone", nameof(heldOut));
        using var scope = NewDisposeScope();
        long n = dataset.Count;
        int k = dataset.ClassNames.Count;
        var features = (backbone is null ? DatasetTensors.Features(dataset, dtype).reshape(n, dataset.FeatureCount) : backbone.Standardized(dtype)).to(device);
        var targets = nn.functional.one_hot(DatasetTensors.Labels(dataset), k).to(dtype, device);
        var prior = targets.mean(new long[] { 0 }, keepdim: true).expand(n, k);
        // The kernel's diagonal is 1, so its mean eigenvalue is 1 and the grid is in the kernel's own units; random
        // features keep that scale (E ||phi||^2 = 1).
        IReadOnlyList<double> grid = training.WeightDecay is { } fixedDecay ? new[] { fixedDecay } : RegularizationPath.DefaultGrid(1.0);
        double bandwidth = GaussianKernel.MedianSquaredDistance(features);
        var heldOutFeatures = heldOut is null ? null : DatasetTensors.Features(heldOut, dtype).reshape(heldOut.Count, heldOut.FeatureCount).to(device);
        string on = backbone is null ? "" : $" on {backbone.Description}";
        string kernelText = string.Create(CultureInfo.InvariantCulture, $"kernel exp(-||x - x'||^2 / {bandwidth:G4}), the median squared distance between inputs");
        LeaveOneOutResult result;
        string how;
        if (plan.Route == Route.ClassSharedKernel)
        {
            var (kernel, _) = GaussianKernel.Compute(features, bandwidth);
            var crossKernel = heldOutFeatures is null ? null : GaussianKernel.Cross(heldOutFeatures, features, bandwidth);
            (result, _) = ClassSharedLeaveOneOut.Compute(new ClassSharedProblem(kernel, targets, prior, crossKernel), grid, names);
            how = $"gaussian probe{on}: {kernelText}";
        }
        else
        {
            using var network = new RandomFourierFeatures(features.shape[1], RandomFeatureWidth, bandwidth, seed, dtype, device);
            var heldOutRows = heldOutFeatures is null ? null
                : new FeatureSpaceLeaveOneOut.HeldOutRows(heldOutFeatures.shape[0], (first, rows) => network.Of(heldOutFeatures.narrow(0, first, rows)));
            (result, _) = FeatureSpaceLeaveOneOut.Compute(n, (first, rows) => network.Of(features.narrow(0, first, rows)), targets, prior, grid,
                FeatureSpaceLeaveOneOut.ChunkRows, names, heldOut: heldOutRows);
            how = string.Create(CultureInfo.InvariantCulture,
                $"gaussian probe{on}: {kernelText}, approximated by {RandomFeatureWidth} random Fourier features because {plan.Candidates.First(r => r.Route == Route.ClassSharedKernel).NotApplicable ?? "the exact kernel does not fit the memory budget"}");
        }
        return (result with { Solver = result.Solver with { Reason = $"{how}; {result.Solver.Reason}" } }).MoveToOuter();
    }
}
