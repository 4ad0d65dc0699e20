using TorchSharp;
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
        long k = targets.shape[1];
        var residual = targets - initialPredictions;

        Tensor? gram = null, moment = null;
        ForChunks(samples, chunkRows, (first, rows) =>
        {
            var phi = features(first, rows);
            var r = residual.narrow(0, first, rows);
            if (gram is null)
            {
                gram = zeros(new[] { phi.shape[1], phi.shape[1] }, phi.dtype, phi.device).MoveToOuterDisposeScope();
                moment = zeros(new[] { phi.shape[1], k }, phi.dtype, phi.device).MoveToOuterDisposeScope();
            }
            gram.addmm_(phi.t(), phi, beta: 1, alpha: 1);
            moment!.addmm_(phi.t(), r, beta: 1, alpha: 1);
        });
        var weightDecays = gridOfScale(gram!.trace().to(ScalarType.Float64).item<double>() / samples);
        RegularizationPath.RequireValid(weightDecays);
        var (eigenvalues, vectors) = linalg.eigh(gram!);
        eigenvalues = eigenvalues.clamp_min(0);
        var projectedMoment = vectors.t().matmul(moment!);                                   // U^T Phi^T r, (m, k)
        var dtype = eigenvalues.dtype;
        var grid = tensor(weightDecays.ToArray(), dtype: dtype, device: eigenvalues.device);
        var inverse = (eigenvalues.unsqueeze(1) + grid.unsqueeze(0)).reciprocal();       // (m, G)
        long m = eigenvalues.shape[0], g = weightDecays.Count;
        // Coefficients of the fit for every grid point at once: (m, G k), column block g = w_g o U^T Phi^T r.
        var coefficients = (projectedMoment.unsqueeze(1) * inverse.unsqueeze(2)).reshape(m, g * k);

        // Per grid point, the samples whose 1 - h_i is within rounding of 0 (HighLeverageRefit): left out of the error sums
        // here, then solved again without them.
        double largest = eigenvalues.max().ToDouble(), smallest = eigenvalues.min().ToDouble();
        double Condition(double weightDecay) => (largest + weightDecay) / (smallest + weightDecay);
        var tolerances = tensor(weightDecays.Select(l => HighLeverageRefit.Tolerance(Condition(l), dtype)).ToArray(), dtype: dtype, device: eigenvalues.device);
        var untrustedAt = weightDecays.Select(_ => new List<long>()).ToArray();
        var errorSums = zeros(g, dtype: dtype, device: eigenvalues.device);
        ForChunks(samples, chunkRows, (first, rows) =>
        {
            var p = features(first, rows).matmul(vectors);
            var leverage = p.square().matmul(inverse);                                       // (rows, G)
            var fitted = p.matmul(coefficients).reshape(rows, g, k);
            var v = (residual.narrow(0, first, rows).unsqueeze(1) - fitted) / (1 - leverage).unsqueeze(2);
            var untrusted = (1 - leverage < tolerances).logical_or(leverage.isnan());
            errorSums.add_(v.square().sum(2).masked_fill(untrusted, 0).sum(dim: 0));
            var pairs = HighLeverageRefit.Values(untrusted.nonzero());                    // (sample, grid point) pairs
            for (int pair = 0; pair < pairs.Length; pair += 2) untrustedAt[pairs[pair + 1]].Add(first + pairs[pair]);
        });
        var refit = untrustedAt.Any(list => list.Count > 0)
            ? HighLeverageRefit.Build(samples, features, residual.unsqueeze(1), untrustedAt.SelectMany(list => list), chunkRows)
            : null;
        Tensor RefitResiduals(int gridPoint) =>
            refit!.Residuals(weightDecays[gridPoint]).squeeze(1).index_select(0, Positions(refit.Samples, untrustedAt[gridPoint], eigenvalues.device));
        for (int point = 0; point < g; point++)
            if (untrustedAt[point].Count > 0) errorSums[point].add_(RefitResiduals(point).square().sum());
        var errors = (errorSums / samples).cpu().to(float64).data<double>().ToArray();
        var path = RegularizationPath.Of(weightDecays, errors);
        int chosen = Array.IndexOf(weightDecays.ToArray(), path.Chosen);
        double lambda = path.Chosen;

        double condition = Condition(lambda);
        ConditionCheck.Require(condition, dtype, ClassSharedLeaveOneOut.AtConvergence(lambda, names));
        if (run is not null) StepSizeCheck.RequireBelowLimit(largest + lambda, run with { WeightDecay = lambda }, samples);
        var w = inverse.select(1, chosen);
        var fit = coefficients.narrow(1, chosen * k, k);
        var weightChange = empty(samples, dtype: dtype, device: eigenvalues.device);
        var trainChange = empty(samples, dtype: dtype, device: eigenvalues.device);
        var looPrediction = empty(new[] { samples, k }, dtype, eigenvalues.device);
        var isolation = empty(samples, dtype: dtype, device: eigenvalues.device);
        var testChange = heldOut is null ? null : empty(samples, dtype: dtype, device: eigenvalues.device);
        var testGram = heldOut is null ? null : zeros(new[] { m, m }, dtype, eigenvalues.device);
        if (heldOut is not null)
            ForChunks(heldOut.Samples, chunkRows, (first, rows) =>
            {
                var p = heldOut.Rows(first, rows).matmul(vectors);
                testGram!.addmm_(p.t(), p, beta: 1, alpha: 1);                              // U^T Phi_te^T Phi_te U
            });
        // The quantities of samples index from p_i = U^T phi_i, v_i and sum over j != i of (phi_j . z_i)^2.
        void Store(Tensor index, Tensor p, Tensor v, Tensor othersLeverage)
        {
            var weighted = p * w;                                                            // U^T z_i, one row per sample
            var vNorm = v.square().sum(1);
            weightChange.index_copy_(0, index, vNorm * weighted.square().sum(1));
            trainChange.index_copy_(0, index, vNorm * othersLeverage / (samples - 1));
            looPrediction.index_copy_(0, index, targets.index_select(0, index) - v);
            if (testGram is not null)
                testChange!.index_copy_(0, index, vNorm * (weighted.matmul(testGram) * weighted).sum(1) / heldOut!.Samples);
        }
        ForChunks(samples, chunkRows, (first, rows) =>
        {
            var p = features(first, rows).matmul(vectors);
            var squares = p.square();
            var leverage = squares.matmul(w);
            var v = (residual.narrow(0, first, rows) - p.matmul(fit)) / (1 - leverage).unsqueeze(1);
            Store(arange(first, first + rows, 1, ScalarType.Int64, eigenvalues.device), p, v, leverage - lambda * squares.matmul(w.square()) - leverage.square());
            isolation.narrow(0, first, rows).copy_((lambda * leverage / (1 - leverage)).div_(squares.sum(1)).clamp_(0, 1));
        });
        string guard = "";
        if (untrustedAt[chosen].Count > 0)
        {
            var changed = untrustedAt[chosen].ToArray();
            isolation.index_fill_(0, tensor(changed, ScalarType.Int64, eigenvalues.device), double.NaN);
            var p = cat(changed.Select(i => features(i, 1)).ToList()).matmul(vectors);
            var z = (p * w).matmul(vectors.t());                                             // z_i = U (w o p_i)
            Store(tensor(changed, ScalarType.Int64, eigenvalues.device), p, RefitResiduals(chosen),
                HighLeverageRefit.OthersSquaredChange(samples, features, changed, z.unsqueeze(-1), chunkRows));
            guard = HighLeverageRefit.Describe(changed, tolerances[chosen].ToDouble());
        }
        var solver = new SolverReport("closed-form feature-space",
            $"a linear output layer on {m} features: one eigendecomposition of the {m} x {m} matrix Phi^T Phi serves every weight decay " +
            $"on the grid, and the {samples} samples pass through in chunks{guard}", condition, dtype.ToString().ToLowerInvariant(), path);
        var result = new LeaveOneOutResult(weightChange, trainChange, testChange, looPrediction, heldOut?.Samples ?? 0, solver)
            { Isolation = isolation }.MoveToOuter();
        return (result, path);
    }

    /// <summary>Where each of <paramref name="wanted"/> sits in <paramref name="samples"/>.</summary>
    private static Tensor Positions(long[] samples, List<long> wanted, Device device) =>
        tensor(wanted.Select(i => (long)Array.BinarySearch(samples, i)).ToArray(), ScalarType.Int64, device);

    private static void ForChunks(long n, long chunkRows, Action<long, long> body)
    {
        for (long first = 0; first < n; first += chunkRows)
        {
            using var scope = NewDisposeScope();
            body(first, Math.Min(chunkRows, n - first));
        }
    }
}
