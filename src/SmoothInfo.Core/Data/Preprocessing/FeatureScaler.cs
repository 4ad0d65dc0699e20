using SmoothInfo.Policy.Model;

namespace SmoothInfo.Data.Preprocessing;

/// <summary>
/// Per-feature statistics of a scaling, fitted on one dataset: x' = (x - offset) * factor. Fitted on the training data
/// and applied unchanged to held-out data, so both pass through the model on the same scale. Null arrays: no scaling.
/// </summary>
public sealed record ScalingStatistics(double[]? Offsets, double[]? Factors)
{
    public static ScalingStatistics None { get; } = new(null, null);
}

/// <summary>
/// Per-feature scaling over the whole dataset. A constant feature carries no information and becomes 0 (rather than a
/// division by zero).
/// </summary>
public static class FeatureScaler
{
    public static ScalingStatistics Fit(ReadOnlySpan<float> features, int count, int featureCount, FeatureScaling scaling)
    {
        switch (scaling)
        {
            case FeatureScaling.None:
                return ScalingStatistics.None;
            case FeatureScaling.Scale:
                var (min, max) = MinMax(features, count, featureCount);
                return new(min, Enumerable.Range(0, featureCount).Select(j => max[j] > min[j] ? 1.0 / (max[j] - min[j]) : 0.0).ToArray());
            case FeatureScaling.Standardize:
                var (mean, std) = MeanStd(features, count, featureCount);
                return new(mean, std.Select(s => s > 0 ? 1.0 / s : 0.0).ToArray());
            default:
                throw new ArgumentOutOfRangeException(nameof(scaling), scaling, null);
        }
    }

    /// <summary>Applies fitted statistics in place to rows of <paramref name="featureCount"/> values.</summary>
    public static void Apply(Span<float> features, int featureCount, ScalingStatistics statistics)
    {
        if (statistics.Offsets is not { } offsets || statistics.Factors is not { } factors) return;
        if (offsets.Length != featureCount) throw new ArgumentException($"statistics of {offsets.Length} features for rows of {featureCount}", nameof(statistics));
        for (int start = 0; start < features.Length; start += featureCount)
        {
            var row = features.Slice(start, featureCount);
            for (int j = 0; j < featureCount; j++) row[j] = (float)((row[j] - offsets[j]) * factors[j]);
        }
    }

    private static (double[] Min, double[] Max) MinMax(ReadOnlySpan<float> features, int count, int featureCount)
    {
        var min = Enumerable.Repeat(double.PositiveInfinity, featureCount).ToArray();
        var max = Enumerable.Repeat(double.NegativeInfinity, featureCount).ToArray();
        for (int i = 0; i < count; i++)
        {
            var row = features.Slice(i * featureCount, featureCount);
            for (int j = 0; j < featureCount; j++)
            {
                min[j] = Math.Min(min[j], row[j]);
                max[j] = Math.Max(max[j], row[j]);
            }
        }
        return (min, max);
    }

    private static (double[] Mean, double[] Std) MeanStd(ReadOnlySpan<float> features, int count, int featureCount)
    {
        var mean = new double[featureCount];
        var squares = new double[featureCount];
        for (int i = 0; i < count; i++)
        {
            var row = features.Slice(i * featureCount, featureCount);
            for (int j = 0; j < featureCount; j++) mean[j] += row[j];
        }
        for (int j = 0; j < featureCount; j++) mean[j] /= count;
        for (int i = 0; i < count; i++)
        {
            var row = features.Slice(i * featureCount, featureCount);
            for (int j = 0; j < featureCount; j++) squares[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
        }
        return (mean, squares.Select(s => Math.Sqrt(s / count)).ToArray());
    }
}
