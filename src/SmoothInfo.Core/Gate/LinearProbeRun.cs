using System.Globalization;
using SmoothInfo.Data;
using SmoothInfo.Estimation;
using static TorchSharp.torch;

namespace SmoothInfo.Gate;

/// <summary>
/// The linear probe's run: a linear head f(x) = W^T phi(x) + b on the features as given (the dataset's rows as preprocessed,
/// or a backbone's standardized features), started at W = 0 with b at the class frequencies (so a sample the features cannot
/// place is predicted at the prior, as the gaussian probe does), trained to convergence with weight decay toward that start.
/// Its kernel is ([Phi, 1] [Phi, 1]^T) (x) I_k, so <see cref="FeatureSpaceLeaveOneOut"/> solves it from the (p + 1) x (p + 1)
/// matrix of the design rows [phi_i, 1], streaming the samples in chunks: memory O(p^2 + chunk (p + k)) besides the per-sample
/// results, whatever n, and the features are read from the dataset's store a block at a time (never all of them at once).
/// </summary>
public static class LinearProbeRun
{
    /// <param name="run">Converged; its weight decay is used unless <paramref name="chooseWeightDecay"/>.</param>
    /// <param name="backbone">A backbone's features, which replace the dataset's rows; null: the rows.</param>
    public static LeaveOneOutResult Estimate(Dataset dataset, TrainingRun run, bool chooseWeightDecay, ScalarType dtype, Device device,
        BackboneFeatures? backbone = null, long chunkRows = FeatureSpaceLeaveOneOut.ChunkRows)
    {
        using var scope = NewDisposeScope();
        long n = dataset.Count;
        int k = dataset.ClassNames.Count;
        var embedded = backbone?.Standardized(dtype).to(device);
        Tensor Design(long first, long rows)
        {
            var phi = embedded?.narrow(0, first, rows) ?? DatasetTensors.Rows(dataset, first, rows, dtype).to(device);
            return LinearHeadLeaveOneOut.Design(phi, bias: true, 0, rows);
        }
        var targets = nn.functional.one_hot(DatasetTensors.Labels(dataset), k).to(dtype, device);
        var prior = targets.mean(new long[] { 0 }, keepdim: true).expand(n, k);
        IReadOnlyList<double> grid = chooseWeightDecay ? RegularizationPath.DefaultGrid(MeanSquaredNorm(n, Design, chunkRows)) : new[] { run.WeightDecay };
        var (result, _) = FeatureSpaceLeaveOneOut.Compute(n, Design, targets, prior, grid, chunkRows, run.Names, run);
        long p = embedded?.shape[1] ?? dataset.FeatureCount;
        string on = backbone is null ? $"the {p} features as given" : backbone.Description;
        string how = string.Create(CultureInfo.InvariantCulture, $"linear probe: a linear head with bias on {on}, started at the class frequencies");
        return (result with { Solver = result.Solver with { Reason = $"{how}; {result.Solver.Reason}" } }).MoveToOuter();
    }

    /// <summary>
    /// The kernel's mean eigenvalue, trace([Phi, 1] [Phi, 1]^T) / n: the unit of the automatic weight decay grid, as on the
    /// network's linear head (a pass that reads the features without multiplying them).
    /// </summary>
    private static double MeanSquaredNorm(long n, Func<long, long, Tensor> design, long chunkRows)
    {
        double sum = 0;
        for (long first = 0; first < n; first += chunkRows)
        {
            using var block = NewDisposeScope();
            sum += design(first, Math.Min(chunkRows, n - first)).square().sum().item<double>();
        }
        return sum / n;
    }
}
