using SmoothInfo.Policy.Model;

namespace SmoothInfo.Data.Preprocessing;

/// <summary>Receives a block of whole rows (row-major, featureCount values each).</summary>
public delegate void RowBlockVisitor(ReadOnlySpan<float> rows);

/// <summary>
/// Per-feature statistics of a scaling, fitted on one dataset: x' = (x - offset) * factor. Fitted on the training data
/// and applied unchanged to held-out data, so both pass through the model on the same scale. Null arrays: no scaling.
/// </summary>
public sealed record ScalingStatistics(double[]? Offsets, double[]? Factors)
{
    public static ScalingStatistics None { get; } = new(null, null);

    /// <summary>Transforms whole rows in place, rounded to float32 as the in-memory features are.</summary>
    public void Apply(Span<float> rows)
    {
        if (Offsets is not { } offsets || Factors is not { } factors) return;
        int featureCount = offsets.Length;
        if (rows.Length % featureCount != 0) throw new ArgumentException($"rows of {featureCount} features expected", nameof(rows));
        for (int start = 0; start < rows.Length; start += featureCount)
        {
            var row = rows.Slice(start, featureCount);
            for (int j = 0; j < featureCount; j++) row[j] = (float)((row[j] - offsets[j]) * factors[j]);
        }
    }
}

/// <summary>
/// Per-feature scaling over the whole dataset. A constant feature carries no information and becomes 0 (rather than a
/// division by zero). Fitted from blocks of rows, so data that is not in memory is fitted in passes over its file.
/// </summary>
public static class FeatureScaler
{
    /// <summary>The statistics of features held in memory.</summary>
    public static ScalingStatistics Fit(float[] features, int featureCount, FeatureScaling scaling) =>
        Fit(scaling, featureCount, visit => visit(features));

    /// <param name="forEachBlock">Visits every row once, in order, in blocks of whole rows; called once or twice.</param>
    public static ScalingStatistics Fit(FeatureScaling scaling, int featureCount, Action<RowBlockVisitor> forEachBlock)
    {
        switch (scaling)
        {
            case FeatureScaling.None:
                return ScalingStatistics.None;
            case FeatureScaling.Scale:
                var (min, max) = MinMax(featureCount, forEachBlock);
                return Statistics(featureCount, j => min[j], j => max[j] > min[j] ? 1.0 / (max[j] - min[j]) : 0.0);
            case FeatureScaling.Standardize:
                var (mean, std) = MeanStd(featureCount, forEachBlock);
                return Statistics(featureCount, j => mean[j], j => std[j] > 0 ? 1.0 / std[j] : 0.0);
            default:
                throw new ArgumentOutOfRangeException(nameof(scaling), scaling, null);
        }
    }

    private static ScalingStatistics Statistics(int featureCount, Func<int, double> shift, Func<int, double> factor) =>
        new(Enumerable.Range(0, featureCount).Select(shift).ToArray(), Enumerable.Range(0, featureCount).Select(factor).ToArray());

    private static (double[] Min, double[] Max) MinMax(int featureCount, Action<RowBlockVisitor> forEachBlock)
    {
        var min = Enumerable.Repeat(double.PositiveInfinity, featureCount).ToArray();
        var max = Enumerable.Repeat(double.NegativeInfinity, featureCount).ToArray();
        forEachBlock(rows =>
        {
            for (int start = 0; start < rows.Length; start += featureCount)
            {
                var row = rows.Slice(start, featureCount);
                for (int j = 0; j < featureCount; j++)
                {
                    min[j] = Math.Min(min[j], row[j]);
                    max[j] = Math.Max(max[j], row[j]);
                }
            }
        });
        return (min, max);
    }

    private static (double[] Mean, double[] Std) MeanStd(int featureCount, Action<RowBlockVisitor> forEachBlock)
    {
        var mean = new double[featureCount];
        var squares = new double[featureCount];
        long count = 0;
        forEachBlock(rows =>
        {
            for (int start = 0; start < rows.Length; start += featureCount, count++)
            {
                var row = rows.Slice(start, featureCount);
                for (int j = 0; j < featureCount; j++) mean[j] += row[j];
            }
        });
        for (int j = 0; j < featureCount; j++) mean[j] /= count;
        forEachBlock(rows =>
        {
            for (int start = 0; start < rows.Length; start += featureCount)
            {
                var row = rows.Slice(start, featureCount);
                for (int j = 0; j < featureCount; j++) squares[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
            }
        });
        return (mean, squares.Select(s => Math.Sqrt(s / count)).ToArray());
    }
}
