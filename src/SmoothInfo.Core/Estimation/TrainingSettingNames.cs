using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Estimation;

/// <summary>
/// How the user set the training run and the estimator's precision: command-line flags (`smoothinfo kernel`) or policy
/// keys (`smoothinfo check`), so an error about them names what to change, and where it is written.
/// </summary>
/// <param name="LearningRate">The learning rate's name as the user wrote it.</param>
/// <param name="WeightDecayExample">Setting a small weight decay, as the user would write it.</param>
/// <param name="FiniteSteps">Setting a finite number of steps, as the user would write it.</param>
/// <param name="Float64">Computing in float64, as the user would write it.</param>
/// <param name="UseGradientFlow">How to switch to gradient flow, as an imperative ("pass --continuous").</param>
/// <param name="LearningRateLocation">Where the learning rate is written; null for flags (as for the others).</param>
public sealed record TrainingSettingNames(
    string LearningRate,
    string WeightDecayExample,
    string FiniteSteps,
    string Float64,
    string UseGradientFlow,
    SourceLocation? LearningRateLocation = null,
    SourceLocation? WeightDecayLocation = null,
    SourceLocation? PrecisionLocation = null,
    SourceLocation? StepsLocation = null)
{
    public static TrainingSettingNames CommandLine { get; } =
        new("--learning-rate", "--weight-decay 1e-3", "--steps N", "--precision float64", "pass --continuous");

    public static TrainingSettingNames Policy(PolicyKeyLocations locations) =>
        new("'training.learningRate'", "'training.weightDecay: 1e-3'", "'training.steps: N'", "'estimator.precision: float64'",
            "set 'training.dynamics: continuous'", locations.Of("training.learningRate"), locations.Of("training.weightDecay"),
            locations.Of("estimator.precision"), locations.Of("training.steps"));
}
