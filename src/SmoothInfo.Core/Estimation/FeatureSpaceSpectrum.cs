using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>The leave-one-out squared errors of a range of samples at every grid point, summed, and which samples of the
/// range the shortcut cannot be trusted on at which grid point (left out of the sums, solved again by the caller).</summary>
public sealed record GridErrors(double[] Sums, IReadOnlyList<long>[] UntrustedAt)
{
    /// <summary>The parts of several ranges, added in the order given.</summary>
    public static GridErrors Total(IReadOnlyList<GridErrors> parts) => new(
        Enumerable.Range(0, parts[0].Sums.Length).Select(g => parts.Aggregate(0.0, (sum, part) => sum + part.Sums[g])).ToArray(),
        Enumerable.Range(0, parts[0].UntrustedAt.Length).Select(g => (IReadOnlyList<long>)parts.SelectMany(part => part.UntrustedAt[g]).ToList()).ToArray());

    /// <summary>Every sample untrusted at some grid point, once each.</summary>
    public IEnumerable<long> Untrusted => UntrustedAt.SelectMany(list => list).Distinct();
}

/// <summary>
/// The merged state of <see cref="FeatureSpaceLeaveOneOut"/>: one eigendecomposition C = U diag(s) U^T of the summed
/// C = Phi^T Phi, U^T Phi^T r, and the weight decays it serves. Everything a pass over any range of the samples needs,
/// in whichever process it runs; its tensors belong to the caller's dispose scope.
/// </summary>
public sealed class FeatureSpaceSpectrum
{
    public FeatureSpaceSpectrum(long samples, Tensor eigenvalues, Tensor vectors, Tensor projectedMoment, IReadOnlyList<double> weightDecays)
    {
        RegularizationPath.RequireValid(weightDecays);
        Samples = samples;
        Eigenvalues = eigenvalues;
        Vectors = vectors;
        ProjectedMoment = projectedMoment;
        WeightDecays = weightDecays;
        var grid = tensor(weightDecays.ToArray(), dtype: Dtype, device: eigenvalues.device);
        Inverse = (eigenvalues.unsqueeze(1) + grid.unsqueeze(0)).reciprocal();
        long m = eigenvalues.shape[0], g = weightDecays.Count, k = projectedMoment.shape[1];
        // Coefficients of the fit for every grid point at once: (m, G k), column block g = w_g o U^T Phi^T r.
        Coefficients = (projectedMoment.unsqueeze(1) * Inverse.unsqueeze(2)).reshape(m, g * k);
        Largest = eigenvalues.max().ToDouble();
        Smallest = eigenvalues.min().ToDouble();
        Tolerances = tensor(weightDecays.Select(l => HighLeverageRefit.Tolerance(Condition(l), Dtype)).ToArray(), dtype: Dtype, device: eigenvalues.device);
    }

    /// <summary>n: every sample of the problem, whichever range a pass covers.</summary>
    public long Samples { get; }

    /// <summary>s, clamped at 0 (m).</summary>
    public Tensor Eigenvalues { get; }

    /// <summary>U (m x m).</summary>
    public Tensor Vectors { get; }

    /// <summary>U^T Phi^T r (m x k).</summary>
    public Tensor ProjectedMoment { get; }

    public IReadOnlyList<double> WeightDecays { get; }

    /// <summary>w = 1 / (s + lambda) for every grid point (m x G).</summary>
    public Tensor Inverse { get; }

    public Tensor Coefficients { get; }

    public Tensor Tolerances { get; }

    public double Largest { get; }

    public double Smallest { get; }

    public ScalarType Dtype => Eigenvalues.dtype;

    public long Features => Eigenvalues.shape[0];

    public long Classes => ProjectedMoment.shape[1];

    public double Condition(double weightDecay) => (Largest + weightDecay) / (Smallest + weightDecay);

    /// <summary>
    /// The spectrum of the summed statistics, on a grid in the kernel's own units: its mean eigenvalue, the mean squared
    /// feature norm trace(Phi^T Phi) / n, is the argument of <paramref name="gridOfScale"/>.
    /// </summary>
    public static FeatureSpaceSpectrum Of(FeatureSums sums, long samples, Func<double, IReadOnlyList<double>> gridOfScale)
    {
        var weightDecays = gridOfScale(sums.Gram.trace().to(ScalarType.Float64).item<double>() / samples);
        RegularizationPath.RequireValid(weightDecays);
        var (eigenvalues, vectors) = linalg.eigh(sums.Gram);
        return new FeatureSpaceSpectrum(samples, eigenvalues.clamp_min(0), vectors, vectors.t().matmul(sums.Moment), weightDecays);
    }

    /// <summary>
    /// The errors pass over samples [first, first + count): with p_i = U^T phi_i, h_i = sum_j p_ij^2 w_j and
    /// v_i = (r_i - p_i . (w o U^T Phi^T r)) / (1 - h_i), the sum of ||v_i||^2 at every grid point.
    /// </summary>
    public GridErrors Errors(Func<long, long, Tensor> features, Tensor residual, long first, long count, long chunkRows)
    {
        using var scope = NewDisposeScope();
        long g = WeightDecays.Count, k = Classes;
        var untrustedAt = WeightDecays.Select(_ => new List<long>()).ToArray();
        var errorSums = zeros(g, dtype: Dtype, device: Eigenvalues.device);
        SampleChunks.ForEach(first, count, chunkRows, (start, rows) =>
        {
            var p = features(start, rows).matmul(Vectors);
            var leverage = p.square().matmul(Inverse);                                       // (rows, G)
            var fitted = p.matmul(Coefficients).reshape(rows, g, k);
            var v = (residual.narrow(0, start, rows).unsqueeze(1) - fitted) / (1 - leverage).unsqueeze(2);
            var untrusted = (1 - leverage < Tolerances).logical_or(leverage.isnan());
            errorSums.add_(v.square().sum(2).masked_fill(untrusted, 0).sum(dim: 0));
            var pairs = HighLeverageRefit.Values(untrusted.nonzero());                    // (sample, grid point) pairs
            for (int pair = 0; pair < pairs.Length; pair += 2) untrustedAt[pairs[pair + 1]].Add(start + pairs[pair]);
        });
        return new GridErrors(errorSums.cpu().to(float64).data<double>().ToArray(), untrustedAt);
    }

    /// <summary>
    /// The weight decay with the least leave-one-out error, the untrusted samples' errors taken from <paramref name="refit"/>
    /// (built on <see cref="GridErrors.Untrusted"/>; null when there are none), after the checks that the solve keeps its
    /// digits and that the training run converges there.
    /// </summary>
    /// <param name="run">The training run whose gradient descent must converge at the chosen weight decay; null: gradient flow.</param>
    public FeatureSpaceChoice Choose(GridErrors errors, HighLeverageRefit? refit, TrainingSettingNames? names, TrainingRun? run)
    {
        Tensor RefitResiduals(int gridPoint) =>
            refit!.Residuals(WeightDecays[gridPoint]).squeeze(1).index_select(0, Positions(refit.Samples, errors.UntrustedAt[gridPoint], Eigenvalues.device));
        var sums = errors.Sums.ToArray();
        for (int point = 0; point < sums.Length; point++)
            if (errors.UntrustedAt[point].Count > 0)
                using (var refitted = RefitResiduals(point)) sums[point] += refitted.square().sum().to(float64).item<double>();
        var path = RegularizationPath.Of(WeightDecays, sums.Select(sum => sum / Samples).ToArray());
        int chosen = WeightDecays.ToList().IndexOf(path.Chosen);
        double lambda = path.Chosen;
        ConditionCheck.Require(Condition(lambda), Dtype, ClassSharedLeaveOneOut.AtConvergence(lambda, names));
        if (run is not null) StepSizeCheck.RequireBelowLimit(Largest + lambda, run with { WeightDecay = lambda }, Samples);
        var flagged = errors.UntrustedAt[chosen].ToArray();
        return new FeatureSpaceChoice(this, path, flagged, flagged.Length > 0 ? RefitResiduals(chosen) : null);
    }

    /// <summary>Where each of <paramref name="wanted"/> sits in <paramref name="samples"/>.</summary>
    private static Tensor Positions(long[] samples, IReadOnlyList<long> wanted, Device device) =>
        tensor(wanted.Select(i => (long)Array.BinarySearch(samples, i)).ToArray(), ScalarType.Int64, device);
}
