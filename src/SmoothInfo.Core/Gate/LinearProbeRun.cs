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
        var problem = new LinearProbeProblem(dataset, dtype, device, backbone, chunkRows);
        var (result, _) = FeatureSpaceLeaveOneOut.Compute(problem.Samples, problem.Design, problem.Targets, problem.Prior,
            LinearProbeProblem.Grid(run, chooseWeightDecay), chunkRows, run.Names, run);
        return (result with { Solver = problem.Described(result.Solver) }).MoveToOuter();
    }
}
