using SmoothInfo.Diagnostics;

namespace SmoothInfo.Estimation;

/// <summary>
/// The weight decay chosen by the data: the exact leave-one-out error of the converged linearized model at every
/// grid point (mean over samples of ||y_i - f_{-i}(x_i)||^2), and the grid point with the least error.
/// </summary>
public sealed record RegularizationPath(double Chosen, IReadOnlyList<double> WeightDecays, IReadOnlyList<double> LeaveOneOutErrors)
{
    public const string Criterion = "leave-one-out squared error";

    /// <summary>
    /// The default grid: 41 points, 4 per decade from 1e-6 to 1e4 of the kernel's mean eigenvalue, wide enough that
    /// the chosen value sits inside it on every dataset we measured (docs/rules-and-reports.md).
    /// </summary>
    public static double[] DefaultGrid(double scale) =>
        Enumerable.Range(0, 41).Select(i => scale * Math.Pow(10, -6 + i / 4.0)).ToArray();

    /// <summary>A grid the spectral routes can evaluate: at least one weight decay, each positive and finite.</summary>
    public static void RequireValid(IReadOnlyList<double> weightDecays)
    {
        if (weightDecays.Count == 0 || weightDecays.Any(l => !(l > 0) || double.IsInfinity(l)))
            throw new InputException(ErrorCodes.InvalidHyperparameter,
                "the leave-one-out over weight decays needs positive, finite weight decays.", "set 'training.weightDecay' to a positive number or 'auto'.");
    }

    /// <summary>The grid point with the least error; ties go to the larger weight decay (the smoother model).</summary>
    public static RegularizationPath Of(IReadOnlyList<double> weightDecays, IReadOnlyList<double> errors)
    {
        int best = 0;
        for (int i = 1; i < errors.Count; i++)
            if (errors[i] < errors[best] || (errors[i] == errors[best] && weightDecays[i] > weightDecays[best])) best = i;
        return new RegularizationPath(weightDecays[best], weightDecays, errors);
    }
}
