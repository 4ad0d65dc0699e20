using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>The per-sample quantities of a range of samples (rows in range order); its tensors belong to the caller's scope.</summary>
public sealed record FeatureScores(Tensor WeightChange, Tensor TrainPredictionChange, Tensor LeaveOneOutPrediction, Tensor? Isolation, Tensor? TestPredictionChange);

/// <summary>
/// The weight decay <see cref="FeatureSpaceSpectrum.Choose"/> settled on, and the passes that measure every sample there:
/// with w = 1 / (s + lambda), p_i = U^T phi_i and v_i as on the grid, ||dw_i||^2 = ||v_i||^2 ||w o p_i||^2 and the other
/// samples' summed change ||v_i||^2 (h_i - lambda ||z_i||^2 - h_i^2). The samples whose 1 - h_i is within rounding of 0
/// (<see cref="Flagged"/>) are measured from their refitted residuals and the other samples' rows summed directly.
/// </summary>
public sealed class FeatureSpaceChoice
{
    public FeatureSpaceChoice(FeatureSpaceSpectrum spectrum, RegularizationPath path, long[] flagged, Tensor? flaggedResiduals)
    {
        Spectrum = spectrum;
        Path = path;
        Flagged = flagged;
        FlaggedResiduals = flaggedResiduals;
        Index = spectrum.WeightDecays.ToList().IndexOf(path.Chosen);
        Weights = spectrum.Inverse.select(1, Index);
    }

    public FeatureSpaceSpectrum Spectrum { get; }

    public RegularizationPath Path { get; }

    public double WeightDecay => Path.Chosen;

    /// <summary>The samples solved again at the chosen weight decay, in increasing order.</summary>
    public long[] Flagged { get; }

    /// <summary>Their leave-one-out residuals v_i from the refit, (|Flagged|, k); null when none.</summary>
    public Tensor? FlaggedResiduals { get; }

    private int Index { get; }

    private Tensor Weights { get; }

    private Tensor Fit => Spectrum.Coefficients.narrow(1, Index * Spectrum.Classes, Spectrum.Classes);

    /// <summary>Samples [first, first + count) by the shortcut (the flagged ones among them are replaced by <see cref="MeasureFlagged"/>).</summary>
    /// <param name="testGram">U^T Phi_te^T Phi_te U of the held-out rows (<see cref="TestGram"/>); null: none.</param>
    public FeatureScores Score(Func<long, long, Tensor> features, Tensor residual, Tensor targets, long first, long count, long chunkRows,
        Tensor? testGram = null, long heldOutSamples = 0)
    {
        var scores = Empty(count, testGram is not null);
        SampleChunks.ForEach(first, count, chunkRows, (start, rows) =>
        {
            var p = features(start, rows).matmul(Spectrum.Vectors);
            var squares = p.square();
            var leverage = squares.matmul(Weights);
            var v = (residual.narrow(0, start, rows) - p.matmul(Fit)) / (1 - leverage).unsqueeze(1);
            Store(scores, arange(start - first, start - first + rows, 1, ScalarType.Int64, p.device), p, v,
                leverage - WeightDecay * squares.matmul(Weights.square()) - leverage.square(), targets.narrow(0, start, rows), testGram, heldOutSamples);
            // 1 - h_i = lambda B_ii, so (1 / B_ii - lambda) / K_ii = lambda h_i / (1 - h_i) / ||p_i||^2 (LeaveOneOutResult.Isolation).
            scores.Isolation!.narrow(0, start - first, rows).copy_((WeightDecay * leverage / (1 - leverage)).div_(squares.sum(1)).clamp_(0, 1));
        });
        return scores;
    }

    /// <summary>
    /// sum over the samples j of [first, first + count), j != i, of (phi_j . z_i)^2 for every flagged sample i: a sum over
    /// samples, so a sharded run adds the ranges' parts.
    /// </summary>
    public Tensor OthersSquaredChange(Func<long, long, Tensor> features, long first, long count, long chunkRows) => Flagged.Length == 0
        ? zeros(0, dtype: Spectrum.Dtype, device: Spectrum.Eigenvalues.device)
        : HighLeverageRefit.OthersSquaredChange(first, count, features, Flagged, FlaggedDirections(features).unsqueeze(-1), chunkRows);

    /// <summary>The flagged samples' quantities into <paramref name="scores"/> of every sample (rows indexed by sample).</summary>
    /// <param name="othersSquaredChange"><see cref="OthersSquaredChange"/> summed over all samples.</param>
    public void MeasureFlagged(FeatureScores scores, Func<long, long, Tensor> features, Tensor targets, Tensor othersSquaredChange,
        Tensor? testGram = null, long heldOutSamples = 0)
    {
        if (Flagged.Length == 0) return;
        using var scope = NewDisposeScope();
        var index = tensor(Flagged, ScalarType.Int64, Spectrum.Eigenvalues.device);
        scores.Isolation?.index_fill_(0, index, double.NaN); // their 1 - h_i is round-off
        Store(scores, index, FlaggedProjections(features), FlaggedResiduals!, othersSquaredChange, targets.index_select(0, index), testGram, heldOutSamples);
    }

    /// <summary>U^T Phi_te^T Phi_te U, from one pass over the held-out rows.</summary>
    public Tensor TestGram(FeatureSpaceLeaveOneOut.HeldOutRows heldOut, long chunkRows)
    {
        var testGram = zeros(new[] { Spectrum.Features, Spectrum.Features }, Spectrum.Dtype, Spectrum.Eigenvalues.device);
        SampleChunks.ForEach(0, heldOut.Samples, chunkRows, (first, rows) =>
        {
            var p = heldOut.Rows(first, rows).matmul(Spectrum.Vectors);
            testGram.addmm_(p.t(), p, beta: 1, alpha: 1);
        });
        return testGram;
    }

    /// <summary>What the solver report says about the solve.</summary>
    public SolverReport Report() => new("closed-form feature-space",
        $"a linear output layer on {Spectrum.Features} features: one eigendecomposition of the {Spectrum.Features} x {Spectrum.Features} matrix Phi^T Phi serves every weight decay " +
        $"on the grid, and the {Spectrum.Samples} samples pass through in chunks" +
        (Flagged.Length > 0 ? HighLeverageRefit.Describe(Flagged, Spectrum.Tolerances[Index].ToDouble()) : ""),
        Spectrum.Condition(WeightDecay), Spectrum.Dtype.ToString().ToLowerInvariant(), Path);

    /// <summary>Rows for <paramref name="count"/> samples, in the solve's precision.</summary>
    private FeatureScores Empty(long count, bool heldOut)
    {
        var options = (Spectrum.Dtype, Spectrum.Eigenvalues.device);
        return new FeatureScores(empty(count, dtype: options.Dtype, device: options.device), empty(count, dtype: options.Dtype, device: options.device),
            empty(new[] { count, Spectrum.Classes }, options.Dtype, options.device), empty(count, dtype: options.Dtype, device: options.device), heldOut ? empty(count, dtype: options.Dtype, device: options.device) : null);
    }

    private Tensor FlaggedProjections(Func<long, long, Tensor> features) =>
        cat(Flagged.Select(i => features(i, 1).matmul(Spectrum.Vectors)).ToList());     // one product each: a row producer may reuse its buffer

    /// <summary>z_i = U (w o p_i) of the flagged samples, (|Flagged|, m).</summary>
    private Tensor FlaggedDirections(Func<long, long, Tensor> features) =>
        (FlaggedProjections(features) * Weights).matmul(Spectrum.Vectors.t());

    /// <summary>The quantities of the samples at <paramref name="index"/> from p_i, v_i and sum over j != i of (phi_j . z_i)^2.</summary>
    private void Store(FeatureScores scores, Tensor index, Tensor p, Tensor v, Tensor othersLeverage, Tensor targets, Tensor? testGram, long heldOutSamples)
    {
        var weighted = p * Weights;                                                         // U^T z_i, one row per sample
        var vNorm = v.square().sum(1);
        scores.WeightChange.index_copy_(0, index, vNorm * weighted.square().sum(1));
        scores.TrainPredictionChange.index_copy_(0, index, vNorm * othersLeverage / (Spectrum.Samples - 1));
        scores.LeaveOneOutPrediction.index_copy_(0, index, targets - v);
        if (testGram is not null)
            scores.TestPredictionChange!.index_copy_(0, index, vNorm * (weighted.matmul(testGram) * weighted).sum(1) / heldOutSamples);
    }
}
