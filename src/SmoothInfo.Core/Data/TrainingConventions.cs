using SmoothInfo.Data.Preprocessing;

namespace SmoothInfo.Data;

/// <summary>
/// What data read against a training set takes from it: the sample shape (the model takes no other), the class names
/// (a label among none of them is an error) and the preprocessing statistics fitted on the training data, so held-out
/// samples meet the model on the training scale.
/// </summary>
public sealed record TrainingConventions(IReadOnlyList<int> SampleShape, IReadOnlyList<string> ClassNames, ScalingStatistics Scaling);
