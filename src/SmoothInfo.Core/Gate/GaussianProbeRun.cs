using System.Globalization;
using SmoothInfo.Data;
using SmoothInfo.Estimation;
using SmoothInfo.Kernels;
using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Gate;

/// <summary>
/// The gaussian probe's run: the preprocessed inputs, their Gaussian kernel (class-shared, so an n x n system whatever
/// the number of classes), the weight decay fixed or chosen by the exact leave-one-out error, and every sample's
/// leave-one-out quantities at it. Initial predictions are the class frequencies (the output layer's bias at the prior),
/// so a sample the kernel cannot place anywhere is predicted at the prior rather than at zero.
/// Up to <see cref="ExactKernelSamples"/> samples the kernel is exact (function space); beyond, the same kernel is
/// approximated by <see cref="RandomFeatureWidth"/> random Fourier features and the linearized output layer is solved in
/// feature space, in chunks, so memory no longer grows with n^2.
/// </summary>
public static class GaussianProbeRun
{
    /// <summary>The n x n route holds about five n x n float64 matrices: 1.4 GB at 6,000 samples.</summary>
    public const int ExactKernelSamples = 6000;

    /// <summary>Width of the random-feature route: an m x m eigendecomposition and O(n m (d + m)) per pass.</summary>
    public const int RandomFeatureWidth = 2048;

    /// <param name="backbone">A backbone's features of the samples, which replace the preprocessed inputs; null: the inputs.</param>
    public static LeaveOneOutResult Estimate(Dataset dataset, TrainingPolicy training, long seed, ScalarType dtype, Device device,
        TrainingSettingNames names, BackboneFeatures? backbone = null)
    {
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
        string on = backbone is null ? "" : $" on {backbone.Description}";
        string kernelText = string.Create(CultureInfo.InvariantCulture, $"kernel exp(-||x - x'||^2 / {bandwidth:G4}), the median squared distance between inputs");
        LeaveOneOutResult result;
        string how;
        if (n <= ExactKernelSamples)
        {
            var (kernel, _) = GaussianKernel.Compute(features, bandwidth);
            (result, _) = ClassSharedLeaveOneOut.Compute(new ClassSharedProblem(kernel, targets, prior), grid, names);
            how = $"gaussian probe{on}: {kernelText}";
        }
        else
        {
            using var network = new RandomFourierFeatures(features.shape[1], RandomFeatureWidth, bandwidth, seed, dtype, device);
            (result, _) = FeatureSpaceLeaveOneOut.Compute(n, (first, rows) => network.Of(features.narrow(0, first, rows)), targets, prior, grid,
                FeatureSpaceLeaveOneOut.ChunkRows, names);
            how = string.Create(CultureInfo.InvariantCulture,
                $"gaussian probe{on}: {kernelText}, approximated by {RandomFeatureWidth} random Fourier features because {n} samples exceed the exact kernel's {ExactKernelSamples}");
        }
        return (result with { Solver = result.Solver with { Reason = $"{how}; {result.Solver.Reason}" } }).MoveToOuter();
    }
}
