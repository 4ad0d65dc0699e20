namespace SmoothInfo.Estimation;

/// <summary>Progress of a long estimation: a stage name and the fraction done overall (0..1).</summary>
public readonly record struct EstimatorProgress(string Stage, double Fraction);
