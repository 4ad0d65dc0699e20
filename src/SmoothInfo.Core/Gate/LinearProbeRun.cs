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
        long p = embedded?.shape[1] ?? dataset.FeatureCount;
        // One design buffer [phi, 1] for every chunk: the passes read the features again and again, and a fresh buffer per chunk
        // costs more in page faults than the copy.
        var design = ones(new[] { Math.Min(chunkRows, n), p + 1 }, dtype, device);
        var staging = embedded is null ? empty(new[] { Math.Min(chunkRows, n), p }, ScalarType.Float32) : null;
        Tensor Design(long first, long rows)
        {
            var phi = embedded?.narrow(0, first, rows) ?? Staged(dataset, staging!, first, rows);
            var block = design.narrow(0, 0, rows);
            block.narrow(1, 0, p).copy_(phi);
            return block;
        }
        var targets = nn.functional.one_hot(DatasetTensors.Labels(dataset), k).to(dtype, device);
        var prior = targets.mean(new long[] { 0 }, keepdim: true).expand(n, k);
        // weightDecay: auto on a grid in the kernel's own units (its mean eigenvalue), as on a network's linear head.
        Func<double, IReadOnlyList<double>> grid = chooseWeightDecay ? RegularizationPath.DefaultGrid : _ => new[] { run.WeightDecay };
        var (result, _) = FeatureSpaceLeaveOneOut.Compute(n, Design, targets, prior, grid, chunkRows, run.Names, run);
        string on = backbone is null ? $"the {p} features as given" : backbone.Description;
        string how = string.Create(CultureInfo.InvariantCulture, $"linear probe: a linear head with bias on {on}, started at the class frequencies");
        return (result with { Solver = result.Solver with { Reason = $"{how}; {result.Solver.Reason}" } }).MoveToOuter();
    }

    /// <summary>Rows of the dataset as float32 in the staging buffer (no allocation per chunk).</summary>
    private static Tensor Staged(Dataset dataset, Tensor staging, long first, long rows)
    {
        var block = staging.narrow(0, 0, rows);
        dataset.CopyFeatures(first, (int)rows, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(block.bytes));
        return block;
    }
}
