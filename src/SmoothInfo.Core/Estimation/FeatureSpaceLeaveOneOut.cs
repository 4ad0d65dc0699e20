using SmoothInfo.Diagnostics;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// A linear output layer on features the caller produces chunk by chunk (never all n x m at once): Theta = (Phi Phi^T) (x) I_k,
/// the problem <see cref="LinearHeadLeaveOneOut"/> solves for one weight decay, here for a whole grid of them. One pass
/// accumulates C = Phi^T Phi and Phi^T r (sums over samples, exact in any chunking); one eigendecomposition C = U diag(s) U^T
/// serves every grid point: with p_i = U^T phi_i and w = 1 / (s + lambda),
///   h_i = sum_j p_ij^2 w_j,   fit_i = p_i . (w o U^T Phi^T r),   v_i = (r_i - fit_i) / (1 - h_i),   ||z_i||^2 = sum_j p_ij^2 w_j^2
/// and then, as in <see cref="LinearHeadLeaveOneOut"/>, ||dw_i||^2 = ||v_i||^2 ||z_i||^2 and the other samples' summed change
/// ||v_i||^2 (h_i - lambda ||z_i||^2 - h_i^2). Two more passes: the errors on the grid, then the quantities at the choice.
/// With held-out features, dw_i = z_i v_i^T changes their predictions by Phi_te z_i v_i^T, whose squared norm is
/// ||v_i||^2 (w o p_i)^T (U^T Phi_te^T Phi_te U) (w o p_i): one more pass over the held-out rows builds that m x m matrix.
/// Isolation (<see cref="LeaveOneOutResult.Isolation"/>): 1 - h_i = lambda B_ii, so (1 / B_ii - lambda) / K_ii = lambda h_i / (1 - h_i) / ||p_i||^2;
/// NaN for the samples solved again, whose 1 - h_i is round-off.
/// Memory O(m^2 + chunk (m + grid k)); time O(n m (d + m)) per pass. Samples whose 1 - h_i is within rounding of 0 at a grid
/// point are solved again without them (<see cref="HighLeverageRefit"/>).
/// Each pass is a stage over a range of samples (<see cref="FeatureSums"/>, <see cref="FeatureSpaceSpectrum"/>,
/// <see cref="FeatureSpaceChoice"/>); here they cover all n in one process, a sharded run (Gate/Shards) gives each shard its range.
/// </summary>
public static class FeatureSpaceLeaveOneOut
{
    public const long ChunkRows = 4096;

    /// <summary>Feature rows of another set of inputs (held-out samples), produced a chunk at a time like the training rows.</summary>
    public sealed record HeldOutRows(long Samples, Func<long, long, Tensor> Rows);

    /// <param name="features">phi of rows [first, first + count) of the inputs, (count, m).</param>
    /// <param name="run">The training run whose gradient descent must converge at the chosen weight decay (its steps and
    /// weight decay are not used); null: the converged closed form only (gradient flow).</param>
    public static (LeaveOneOutResult Result, RegularizationPath Path) Compute(long samples, Func<long, long, Tensor> features,
        Tensor targets, Tensor initialPredictions, IReadOnlyList<double> weightDecays, long chunkRows = ChunkRows, TrainingSettingNames? names = null,
        TrainingRun? run = null, HeldOutRows? heldOut = null)
    {
        RegularizationPath.RequireValid(weightDecays);
        return Compute(samples, features, targets, initialPredictions, _ => weightDecays, chunkRows, names, run, heldOut);
    }

    /// <summary>The same with a grid in the kernel's own units, known after the first pass: its mean eigenvalue, the mean squared
    /// feature norm trace(Phi^T Phi) / n, is the argument of <paramref name="gridOfScale"/> (no extra pass to find it).</summary>
    public static (LeaveOneOutResult Result, RegularizationPath Path) Compute(long samples, Func<long, long, Tensor> features,
        Tensor targets, Tensor initialPredictions, Func<double, IReadOnlyList<double>> gridOfScale, long chunkRows = ChunkRows,
        TrainingSettingNames? names = null, TrainingRun? run = null, HeldOutRows? heldOut = null)
    {
        if (samples < 2) throw new InputException(ErrorCodes.TooFewSamples, $"leave-one-out needs at least 2 samples (got {samples}).");
        using var scope = NewDisposeScope();
        var residual = targets - initialPredictions;
        var spectrum = FeatureSpaceSpectrum.Of(FeatureSums.Accumulate(features, residual, 0, samples, chunkRows), samples, gridOfScale);
        var errors = spectrum.Errors(features, residual, 0, samples, chunkRows);
        var untrusted = errors.Untrusted.ToArray();
        var refit = untrusted.Length > 0 ? HighLeverageRefit.Build(samples, features, residual.unsqueeze(1), untrusted, chunkRows) : null;
        var choice = spectrum.Choose(errors, refit, names, run);
        var testGram = heldOut is null ? null : choice.TestGram(heldOut, chunkRows);
        long heldOutSamples = heldOut?.Samples ?? 0;
        var scores = choice.Score(features, residual, targets, 0, samples, chunkRows, testGram, heldOutSamples);
        if (choice.Flagged.Length > 0)
            choice.MeasureFlagged(scores, features, targets, choice.OthersSquaredChange(features, 0, samples, chunkRows), testGram, heldOutSamples);
        var result = new LeaveOneOutResult(scores.WeightChange, scores.TrainPredictionChange, scores.TestPredictionChange,
            scores.LeaveOneOutPrediction, heldOutSamples, choice.Report()) { Isolation = scores.Isolation }.MoveToOuter();
        return (result, choice.Path);
    }
}
