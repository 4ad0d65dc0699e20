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
/// </summary>
public static class GaussianProbeRun
{
    public static LeaveOneOutResult Estimate(Dataset dataset, TrainingPolicy training, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        long n = dataset.Count;
        int k = dataset.ClassNames.Count;
        var features = DatasetTensors.Features(dataset, dtype).reshape(n, dataset.FeatureCount).to(device);
        var (kernel, bandwidth) = GaussianKernel.Compute(features);
        var targets = nn.functional.one_hot(DatasetTensors.Labels(dataset), k).to(dtype, device);
        var prior = targets.mean(new long[] { 0 }, keepdim: true).expand(n, k);
        // The kernel's diagonal is 1, so its mean eigenvalue is 1 and the grid is in the kernel's own units.
        IReadOnlyList<double> grid = training.WeightDecay is { } fixedDecay ? new[] { fixedDecay } : RegularizationPath.DefaultGrid(1.0);
        var (result, _) = ClassSharedLeaveOneOut.Compute(new ClassSharedProblem(kernel, targets, prior), grid);
        string how = string.Create(CultureInfo.InvariantCulture, $"gaussian probe: kernel exp(-||x - x'||^2 / {bandwidth:G4}), the median squared distance between inputs");
        return (result with { Solver = result.Solver with { Reason = $"{how}; {result.Solver.Reason}" } }).MoveToOuter();
    }
}
