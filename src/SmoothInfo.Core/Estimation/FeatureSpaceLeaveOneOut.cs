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
/// Memory O(m^2 + chunk (m + grid k)); time O(n m (d + m)) per pass.
/// </summary>
public static class FeatureSpaceLeaveOneOut
{
    public const long ChunkRows = 4096;

    /// <param name="features">phi of rows [first, first + count) of the inputs, (count, m).</param>
    /// <param name="run">The training run whose gradient descent must converge at the chosen weight decay (its steps and
    /// weight decay are not used); null: the converged closed form only (gradient flow).</param>
    public static (LeaveOneOutResult Result, RegularizationPath Path) Compute(long samples, Func<long, long, Tensor> features,
        Tensor targets, Tensor initialPredictions, IReadOnlyList<double> weightDecays, long chunkRows = ChunkRows, TrainingSettingNames? names = null,
        TrainingRun? run = null)
    {
        RegularizationPath.RequireValid(weightDecays);
        return Compute(samples, features, targets, initialPredictions, _ => weightDecays, chunkRows, names, run);
    }

    /// <summary>The same with a grid in the kernel's own units, known after the first pass: its mean eigenvalue, the mean squared
    /// feature norm trace(Phi^T Phi) / n, is the argument of <paramref name="gridOfScale"/> (no extra pass to find it).</summary>
    public static (LeaveOneOutResult Result, RegularizationPath Path) Compute(long samples, Func<long, long, Tensor> features,
        Tensor targets, Tensor initialPredictions, Func<double, IReadOnlyList<double>> gridOfScale, long chunkRows = ChunkRows,
        TrainingSettingNames? names = null, TrainingRun? run = null)
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
        var weightDecays = gridOfScale(gram!.trace().item<double>() / samples);
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

        var errorSums = zeros(g, dtype: dtype, device: eigenvalues.device);
        ForChunks(samples, chunkRows, (first, rows) =>
        {
            var p = features(first, rows).matmul(vectors);
            var leverage = p.square().matmul(inverse);                                       // (rows, G)
            var fitted = p.matmul(coefficients).reshape(rows, g, k);
            var v = (residual.narrow(0, first, rows).unsqueeze(1) - fitted) / (1 - leverage).unsqueeze(2);
            errorSums.add_(v.square().sum(new long[] { 0, 2 }));
        });
        var errors = (errorSums / samples).cpu().to(float64).data<double>().ToArray();
        var path = RegularizationPath.Of(weightDecays, errors);
        int chosen = Array.IndexOf(weightDecays.ToArray(), path.Chosen);
        double lambda = path.Chosen;

        double largest = eigenvalues.max().item<double>() + lambda;
        double condition = largest / (eigenvalues.min().item<double>() + lambda);
        ConditionCheck.Require(condition, dtype, ClassSharedLeaveOneOut.AtConvergence(lambda, names));
        if (run is not null) StepSizeCheck.RequireBelowLimit(largest, run with { WeightDecay = lambda }, samples);
        var w = inverse.select(1, chosen);
        var fit = coefficients.narrow(1, chosen * k, k);
        var weightChange = empty(samples, dtype: dtype, device: eigenvalues.device);
        var trainChange = empty(samples, dtype: dtype, device: eigenvalues.device);
        var looPrediction = empty(new[] { samples, k }, dtype, eigenvalues.device);
        ForChunks(samples, chunkRows, (first, rows) =>
        {
            var p = features(first, rows).matmul(vectors);
            var squares = p.square();
            var leverage = squares.matmul(w);
            var zNorm = squares.matmul(w.square());
            var target = targets.narrow(0, first, rows);
            var v = (residual.narrow(0, first, rows) - p.matmul(fit)) / (1 - leverage).unsqueeze(1);
            var vNorm = v.square().sum(1);
            weightChange.narrow(0, first, rows).copy_(vNorm * zNorm);
            trainChange.narrow(0, first, rows).copy_(vNorm * (leverage - lambda * zNorm - leverage.square()) / (samples - 1));
            looPrediction.narrow(0, first, rows).copy_(target - v);
        });
        var solver = new SolverReport("closed-form feature-space",
            $"a linear output layer on {m} features: one eigendecomposition of the {m} x {m} matrix Phi^T Phi serves every weight decay " +
            $"on the grid, and the {samples} samples pass through in chunks", condition, dtype.ToString().ToLowerInvariant(), path);
        var result = new LeaveOneOutResult(weightChange, trainChange, null, looPrediction, 0, solver).MoveToOuter();
        return (result, path);
    }

    private static void ForChunks(long n, long chunkRows, Action<long, long> body)
    {
        for (long first = 0; first < n; first += chunkRows)
        {
            using var scope = NewDisposeScope();
            body(first, Math.Min(chunkRows, n - first));
        }
    }
}
