using System.Globalization;
using SmoothInfo.Estimation;
using SmoothInfo.Results;

namespace SmoothInfo.Gate;

/// <summary>
/// The estimator's numbers as the gate uses, caches and reports them: 7 significant digits, and nothing finer than
/// 1e-10. libtorch splits its reductions by thread count, so 1 and 2 threads (OMP_NUM_THREADS) give float64 results that
/// differ in the last digits: about 1e-16 absolute, which is up to 1e-8 relative on values near zero. Rounded once, before
/// the rules see them, the verdict and every report are the same for any thread count, and a threshold is compared on
/// the very number the report shows. Seven digits keep every value within 5e-7 relative of the float64 result (the
/// brute-force references agree to 1e-6); only a value within the thread noise of a rounding boundary can still differ
/// (about 3e-11 / 1e-7 per value at the median noise); docs/robustness.md has the measurement.
/// </summary>
public static class ReportedPrecision
{
    public const int SignificantDigits = 7;
    public const double Resolution = 1e-10;

    /// <summary>Below this magnitude the 7th significant digit would be finer than <see cref="Resolution"/>.</summary>
    private const double AbsoluteBelow = 1e-3;

    public static double Round(double value)
    {
        if (!double.IsFinite(value)) return value;
        if (Math.Abs(value) < AbsoluteBelow) value = Math.Round(value / Resolution, MidpointRounding.ToEven) * Resolution;
        // Decimal formatting is correctly rounded in .NET, so this is one rounding of the exact binary value, on any machine.
        return double.Parse(value.ToString("E" + (SignificantDigits - 1), CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>Every number the estimator computed with libtorch, rounded: the samples' signals and the solver's figures.</summary>
    public static EstimatorOutput Round(EstimatorOutput output) => new(
        output.Signals.Select(s => s with
        {
            WeightSI = Round(s.WeightSI),
            FunctionalSI = Round(s.FunctionalSI),
            LooPrediction = s.LooPrediction.Select(Round).ToArray(),
            InputResidual = Round(s.InputResidual),
            Isolation = Round(s.Isolation),
        }).ToList(),
        output.Solver with
        {
            ConditionNumber = output.Solver.ConditionNumber is { } condition ? Round(condition) : null,
            // The grid is in units of trace(Phi^T Phi) / n or the kernel's mean eigenvalue: libtorch sums too.
            Regularization = output.Solver.Regularization is { } path
                ? new RegularizationPath(Round(path.Chosen), path.WeightDecays.Select(Round).ToArray(), path.LeaveOneOutErrors.Select(Round).ToArray()) : null,
        });
}
