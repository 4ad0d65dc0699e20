namespace SmoothInfo.Estimation;

public enum Dynamics
{
    /// <summary>Gradient descent with a fixed step: E_t = (I - eta*Theta_l)^t.</summary>
    DiscreteGradientDescent,

    /// <summary>Gradient flow, the continuous-time limit: E_t = expm(-eta*t*Theta_l).</summary>
    GradientFlow,
}

public enum LossReduction
{
    /// <summary>Mean over samples: without sample i the step per remaining sample grows to eta*n/(n-1).</summary>
    Mean,

    /// <summary>Sum over samples: the leave-one-out run uses the same step.</summary>
    Sum,
}

/// <summary>
/// The training run being measured: squared loss, step <see cref="LearningRate"/>, weight decay toward the
/// starting weights (adds lambda*I to the kernel), <see cref="Steps"/> steps or time (infinity: converged).
/// </summary>
public sealed record TrainingRun(
    double LearningRate,
    double Steps,
    double WeightDecay,
    Dynamics Dynamics = Dynamics.DiscreteGradientDescent,
    LossReduction Loss = LossReduction.Mean)
{
    public bool IsConverged => double.IsPositiveInfinity(Steps);

    /// <summary>How the user set this run (flags or policy keys), so errors about it name what to change.</summary>
    public TrainingSettingNames Names { get; init; } = TrainingSettingNames.CommandLine;

    /// <summary>The step of the leave-one-out run on n-1 samples.</summary>
    public double LeaveOneOutLearningRate(long sampleCount) =>
        Loss == LossReduction.Mean ? LearningRate * sampleCount / (sampleCount - 1) : LearningRate;
}
