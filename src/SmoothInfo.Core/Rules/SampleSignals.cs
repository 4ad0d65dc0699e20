namespace SmoothInfo.Rules;

/// <summary>
/// What the estimator says about one sample. Score is the signal thresholds apply to: functional SI when it
/// was measured, else weight SI. The leave-one-out prediction f_{-i}(x_i) is on the targets' scale
/// (one-hot: near 1 for the class the model trained without the sample believes in).
/// </summary>
public sealed record SampleSignals(int Index, int Label, double WeightSI, double FunctionalSI, IReadOnlyList<double> LooPrediction)
{
    public double Score => double.IsNaN(FunctionalSI) ? WeightSI : FunctionalSI;

    /// <summary>The class the model trained without this sample predicts for it (ties: the lower index).</summary>
    public int LooClass
    {
        get
        {
            int best = 0;
            for (int c = 1; c < LooPrediction.Count; c++) if (LooPrediction[c] > LooPrediction[best]) best = c;
            return best;
        }
    }

    /// <summary>f_{-i}(x_i) for the predicted class.</summary>
    public double LooScore => LooPrediction[LooClass];

    /// <summary>f_{-i}(x_i) for the labelled class minus the best other class: negative when another class wins.</summary>
    public double LooMargin
    {
        get
        {
            double other = double.NegativeInfinity;
            for (int c = 0; c < LooPrediction.Count; c++) if (c != Label) other = Math.Max(other, LooPrediction[c]);
            return LooPrediction.Count < 2 ? double.NaN : LooPrediction[Label] - other;
        }
    }
}
