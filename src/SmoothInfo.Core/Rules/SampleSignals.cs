using SmoothInfo.Policy.Model;

namespace SmoothInfo.Rules;

/// <summary>
/// What the estimator says about one sample. The leave-one-out prediction f_{-i}(x_i) is on the targets' scale
/// (one-hot: near 1 for the class the model trained without the sample believes in). Score is the signal thresholds
/// apply to: the policy's rules.score with the estimator's sigma, set when the rules are applied
/// (<see cref="Gate.GatePipeline.Evaluate"/>); functional SI falls back to weight SI when it was not measured.
/// </summary>
public sealed record SampleSignals(int Index, int Label, double WeightSI, double FunctionalSI, IReadOnlyList<double> LooPrediction)
{
    public ScoreSignal Scoring { get; init; } = ScoreSignal.FunctionalSi;

    /// <summary>The smoothing sigma the SIs were measured with, set with Scoring; label surprise uses the same scale.</summary>
    public double Sigma { get; init; } = 1;

    /// <summary>
    /// Distance of the input from the dataset's principal subspace (<see cref="Estimation.PrincipalSubspaceResidual"/>);
    /// NaN when not measured (reports written before it existed). Depends on the inputs only, so it is measured on every run
    /// rather than cached with the estimator's output.
    /// </summary>
    public double InputResidual { get; init; } = double.NaN;

    /// <summary>
    /// The lowest index of the samples whose inputs are identical or nearly identical to this one's, itself included
    /// (<see cref="Data.DuplicateInputs"/>); null when it has none, or when not measured (reports written before it was).
    /// Inputs only, measured on every run like <see cref="InputResidual"/>.
    /// </summary>
    public int? DuplicateGroup { get; init; }

    /// <summary>
    /// The share of the kernel's variance at the input that the other samples leave unexplained (<see cref="Estimation.LeaveOneOutResult.Isolation"/>),
    /// 0 to 1; NaN when not measured (probes other than the gaussian, reports written before it existed).
    /// </summary>
    public double Isolation { get; init; } = double.NaN;

    /// <summary>Weight SI with the weights smoothed by the stationary SGD noise covariance (weight-si-sgd), in nats; NaN when not measured.</summary>
    public double WeightSISgd { get; init; } = double.NaN;

    public double Score => Scoring switch
    {
        ScoreSignal.LabelSurprise => LabelSurprise,
        ScoreSignal.WeightSi => WeightSI,
        _ => Informativeness,
    };

    /// <summary>How much the sample informs the network (the paper's measure): F-SI when measured, else weight SI.</summary>
    public double Informativeness => double.IsNaN(FunctionalSI) ? WeightSI : FunctionalSI;

    public string InformativenessName => double.IsNaN(FunctionalSI) ? "weight SI" : "F-SI";

    /// <summary>
    /// (1 - f_{-i}(x_i)[label])^2 / (2 sigma^2) nats, and 0 when the model trained without the sample predicts the label
    /// at least as strongly as its one-hot target: the label's share of the leave-one-out residual, the surprise of
    /// the label to the rest of the data under the estimator's Gaussian smoothing. Only falling short counts, so
    /// a confidently right prediction never scores.
    /// </summary>
    public double LabelSurprise
    {
        get
        {
            double shortfall = Math.Max(0, 1 - LooPrediction[Label]);
            return shortfall * shortfall / (2 * Sigma * Sigma);
        }
    }

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
