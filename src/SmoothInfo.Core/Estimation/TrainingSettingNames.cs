using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Estimation;

/// <summary>
/// How the user set the training run: command-line flags (`smoothinfo kernel`) or policy keys (`smoothinfo check`),
/// so an error about the run names what they can change, and where it is written.
/// </summary>
/// <param name="LearningRate">The learning rate's name as the user wrote it.</param>
/// <param name="UseGradientFlow">How to switch to gradient flow, as an imperative ("pass --continuous").</param>
/// <param name="LearningRateLocation">Where the learning rate is written; null for a flag.</param>
public sealed record TrainingSettingNames(string LearningRate, string UseGradientFlow, SourceLocation? LearningRateLocation = null)
{
    public static TrainingSettingNames CommandLine { get; } = new("--learning-rate", "pass --continuous");

    public static TrainingSettingNames Policy(PolicyKeyLocations locations) =>
        new("'training.learningRate'", "set 'training.dynamics: continuous'", locations.Of("training.learningRate"));
}
