using SmoothInfo.Policy.Model;

namespace SmoothInfo.Rules;

/// <summary>
/// The dataset's scores, sorted once: robust z-scores (median and MAD scaled by 1.4826 to match a normal's
/// standard deviation), quantiles (linear interpolation between order statistics) and percentile ranks.
/// When more than half the scores are equal (MAD 0; label surprise is 0 for every sample the rest of the data
/// predicts fully), the scale falls back to the mean absolute deviation times 1.2533 (also a normal's standard
/// deviation), so that robust z stays finite instead of flagging every score above the median.
/// Deterministic: no sampling, ties resolved by value only.
/// </summary>
public sealed class ScoreDistribution
{
    private readonly double[] _sorted;
    private readonly double _median;
    private readonly double _scale;

    public ScoreDistribution(IEnumerable<double> scores)
    {
        _sorted = scores.OrderBy(s => s).ToArray();
        if (_sorted.Length == 0) throw new ArgumentException("no scores", nameof(scores));
        _median = Quantile(0.5);
        var deviations = _sorted.Select(s => Math.Abs(s - _median)).OrderBy(d => d).ToArray();
        double mad = Interpolate(deviations, 0.5);
        _scale = mad > 0 ? 1.4826 * mad : 1.2533 * deviations.Average();
    }

    public double Median => _median;

    public double RobustZ(double score) => _scale > 0 ? (score - _median) / _scale : score > _median ? double.PositiveInfinity : 0;

    public double Quantile(double q) => Interpolate(_sorted, q);

    /// <summary>Fraction of scores at or below this one, in percent.</summary>
    public double PercentileRank(double score)
    {
        int atOrBelow = UpperBound(score);
        return 100.0 * atOrBelow / _sorted.Length;
    }

    /// <summary>Whether a score passes a category's threshold.</summary>
    public bool Exceeds(double score, ThresholdKind kind, double threshold) => kind switch
    {
        ThresholdKind.Absolute => score > threshold,
        ThresholdKind.RobustZ => RobustZ(score) > threshold,
        ThresholdKind.Quantile => score > Quantile(threshold),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The score a threshold corresponds to on this dataset (what the reports draw).</summary>
    public double Cutoff(ThresholdKind kind, double threshold) => kind switch
    {
        ThresholdKind.Absolute => threshold,
        ThresholdKind.RobustZ => _median + threshold * _scale,
        ThresholdKind.Quantile => Quantile(threshold),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private int UpperBound(double score)
    {
        int low = 0, high = _sorted.Length;
        while (low < high)
        {
            int mid = (low + high) / 2;
            if (_sorted[mid] <= score) low = mid + 1; else high = mid;
        }
        return low;
    }

    private static double Interpolate(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
