using SmoothInfo.Policy.Model;

namespace SmoothInfo.Data.Preprocessing;

/// <summary>
/// Per-feature scaling over the whole dataset, in place. A constant feature carries no information and
/// becomes 0 (rather than a division by zero).
/// </summary>
public static class FeatureScaler
{
    public static void Apply(Span<float> features, int count, int featureCount, FeatureScaling scaling)
    {
        switch (scaling)
        {
            case FeatureScaling.None:
                return;
            case FeatureScaling.Scale:
                var (min, max) = MinMax(features, count, featureCount);
                Transform(features, featureCount, j => min[j], j => max[j] > min[j] ? 1.0 / (max[j] - min[j]) : 0.0);
                return;
            case FeatureScaling.Standardize:
                var (mean, std) = MeanStd(features, count, featureCount);
                Transform(features, featureCount, j => mean[j], j => std[j] > 0 ? 1.0 / std[j] : 0.0);
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(scaling), scaling, null);
        }
    }

    private static void Transform(Span<float> features, int featureCount, Func<int, double> shift, Func<int, double> factor)
    {
        var offsets = Enumerable.Range(0, featureCount).Select(shift).ToArray();
        var factors = Enumerable.Range(0, featureCount).Select(factor).ToArray();
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
