using SmoothInfo.Policy.Model;

namespace SmoothInfo.Estimation;

/// <summary>
/// The training run being measured: squared loss, step <see cref="LearningRate"/>, weight decay toward the
/// starting weights (adds lambda*I to the kernel), <see cref="Steps"/> steps or time (infinity: converged).
/// </summary>
public sealed record TrainingRun(
    double LearningRate,
    double Steps,
    double WeightDecay,
    TrainingDynamics Dynamics = TrainingDynamics.Discrete,
    LossReduction Loss = LossReduction.Mean)
{
    public bool IsConverged => double.IsPositiveInfinity(Steps);

    /// <summary>How the user set this run (flags or policy keys), so errors about it name what to change.</summary>
    public TrainingSettingNames Names { get; init; } = TrainingSettingNames.CommandLine;

    /// <summary>The step of the leave-one-out run on n-1 samples.</summary>
    public double LeaveOneOutLearningRate(long sampleCount) =>
        Loss == LossReduction.Mean ? LearningRate * sampleCount / (sampleCount - 1) : LearningRate;
}
