using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// Per training sample i, comparing training with and without i (all tensors on CPU, float64 or the
/// requested precision):
/// <list type="bullet">
/// <item><see cref="WeightChange"/>: ||w - w_{-i}||^2 (n).</item>
/// <item><see cref="TrainPredictionChange"/>: mean over the other n-1 training samples of the squared
/// prediction change summed over outputs (n).</item>
/// <item><see cref="TestPredictionChange"/>: the same mean over the m held-out samples (n), when given.</item>
/// <item><see cref="LeaveOneOutPrediction"/>: f_{-i}(x_i), what the model trained without i predicts for it (n x k).</item>
/// <item><see cref="Isolation"/>: the share of the kernel's variance at x_i the other samples leave unexplained (n), when measured.</item>
/// </list>
/// </summary>
public sealed record LeaveOneOutResult(
    Tensor WeightChange,
    Tensor TrainPredictionChange,
    Tensor? TestPredictionChange,
    Tensor LeaveOneOutPrediction,
    long TestSampleCount,
    SolverReport Solver)
{
    public long SampleCount => WeightChange.shape[0];

    /// <summary>
    /// Per sample, (K_ii - k_i^T (K_{-i} + lambda I)^-1 k_i) / K_ii in [0, 1]: the kernel regression's posterior variance at
    /// x_i given the other samples, as a share of its prior variance. 1: no other sample is near x_i, so the model trained
    /// without it predicts the prior there and its label cannot be judged. Null where the route does not measure it.
    /// </summary>
    public Tensor? Isolation { get; init; }

    /// <summary>Hands the tensors to the enclosing dispose scope.</summary>
    public LeaveOneOutResult MoveToOuter()
    {
        Tensors.MoveToOuterScope(WeightChange, TrainPredictionChange, TestPredictionChange, LeaveOneOutPrediction, Isolation);
        return this;
    }

    /// <summary>Weight SI in nats: KL between isotropic Gaussians around w and w_{-i}, ||dw||^2 / (2 sigma^2).</summary>
    public Tensor WeightSI(double sigma) => WeightChange / (2 * sigma * sigma);

    /// <summary>
    /// Functional SI in nats: the squared prediction change summed over outputs and over the held-out
    /// samples (the other training samples when there is no held-out set), over 2 sigma^2.
    /// </summary>
    public Tensor FunctionalSI(double sigma) => TestPredictionChange is not null
        ? TestPredictionChange * (TestSampleCount / (2 * sigma * sigma))
        : TrainPredictionChange * ((SampleCount - 1) / (2 * sigma * sigma));
}

/// <summary>
/// Which exact method ran, why, and how well conditioned the linear system was; when the weight decay was chosen by the
/// data (<c>training.weightDecay: auto</c>), the leave-one-out curve it was chosen on.
/// </summary>
public sealed record SolverReport(string Method, string Reason, double? ConditionNumber, string Precision, RegularizationPath? Regularization = null)
{
    /// <summary>How many held-out samples F-SI was measured on; 0: on the other training samples (no held-out set).</summary>
    public long HeldOutSamples { get; init; }

    /// <summary>learning rate / batch size of the SGD noise that smoothed the weights for weight-si-sgd; null when not measured.</summary>
    public double? SgdNoiseScale { get; init; }

    /// <summary>What the planner chose and estimated; null where no planner ran (the kernel command's given kernels).</summary>
    public PlanSummary? Plan { get; init; }
}
