using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// The finite-t filter phi of <see cref="SpectralFilter"/> as a Chebyshev interpolant on an interval [lower, upper] that holds
/// every spectrum it is applied to, truncated to the lowest degree whose error bound (the interpolant's, plus the dropped
/// coefficients) meets a tolerance. The interpolant's bound is rigorous: phi is entire, so on any Bernstein ellipse E_rho (foci lower and upper, sum of semi-axes rho times
/// the half length) it is bounded by some M_rho, and the degree-m interpolant in Chebyshev points differs from phi on the
/// interval by at most 4 M_rho rho^-m / (rho - 1) (Trefethen, Approximation Theory and Approximation Practice, theorem 8.2).
/// M_rho follows from phi's series: gradient descent phi(z) = h sum_{j &lt; t} (1 - h z)^j with |1 - h z| &lt;= |1 - h c| + h A on
/// the ellipse (c its centre, A its semi-major axis, attained at a real vertex); gradient flow phi(z) = integral_0^{h t} e^{-u z} du
/// with Re z &gt;= c - A. The degree takes the best rho of a grid.
/// </summary>
public sealed record ChebyshevFilter(double Lower, double Upper, double[] Coefficients, double ErrorBound)
{
    public int Degree => Coefficients.Length - 1;

    /// <summary>The share of the tolerance the a-priori bound of the full-degree interpolant may take; the rest is for its dropped tail.</summary>
    private const double AprioriShare = 0.1;

    /// <param name="tolerance">The largest error allowed for phi anywhere on [lower, upper].</param>
    /// <remarks>
    /// The ellipse bound fixes a degree M whose interpolant p_M is within a tenth of the tolerance; p_M's trailing
    /// Chebyshev coefficients are then dropped while their absolute sum stays within the rest (|T_j| &lt;= 1 on the
    /// interval). The bound is several degrees pessimistic, the coefficients are not: 87 instead of 97 at n k = 4,000,
    /// t = 1,000. The coefficients' round-off is the same whether or not the tail is dropped (docs/estimator.md).
    /// </remarks>
    public static ChebyshevFilter Fit(double lower, double upper, double step, double steps, TrainingDynamics dynamics, double tolerance)
    {
        (lower, upper) = Widened(lower, upper);
        var (full, bound) = DegreeAndBound(lower, upper, step, steps, dynamics, AprioriShare * tolerance);
        var coefficients = InterpolantCoefficients(lower, upper, step, steps, dynamics, full);
        int degree = full;
        double dropped = 0;
        while (degree > 0 && bound + dropped + Math.Abs(coefficients[degree]) <= tolerance) dropped += Math.Abs(coefficients[degree--]);
        return new ChebyshevFilter(lower, upper, coefficients[..(degree + 1)], bound + dropped);
    }

    /// <summary>A one-point spectrum (a multiple of I) gets an interval around it, so the map to [-1, 1] exists and stays finite.</summary>
    private static (double, double) Widened(double lower, double upper)
    {
        double width = Math.Max(1e-12, Math.Max(Math.Abs(lower), Math.Abs(upper)) * 1e-12);
        return upper - lower >= width ? (lower, upper) : (lower, lower + width);
    }

    /// <summary>
    /// The smallest m with 4 M_rho rho^-m / (rho - 1) &lt;= tolerance for some rho of a grid (in logarithms: M_rho overflows a
    /// double for long runs), and that bound. Gradient descent's phi is a polynomial of degree t - 1, so its interpolant of
    /// that degree is phi itself: the degree never exceeds t - 1.
    /// </summary>
    private static (int Degree, double Bound) DegreeAndBound(double lower, double upper, double step, double steps,
        TrainingDynamics dynamics, double tolerance)
    {
        double centre = (lower + upper) / 2, halfLength = (upper - lower) / 2;
        double bestDegree = double.PositiveInfinity, bestLogBound = 0;
        for (int i = 0; i <= 400; i++)
        {
            double rho = 1 + Math.Pow(10, -4 + 7.0 * i / 400); // 1 + 1e-4 .. 1 + 1e3
            double logScale = Math.Log(4) + LogMaxOnEllipse(centre, halfLength * (rho + 1 / rho) / 2, step, steps, dynamics) - Math.Log(rho - 1);
            double degree = Math.Max(0, Math.Ceiling((logScale - Math.Log(tolerance)) / Math.Log(rho)));
            if (degree < bestDegree) (bestDegree, bestLogBound) = (degree, logScale - degree * Math.Log(rho));
        }
        if (dynamics == TrainingDynamics.Discrete && bestDegree >= steps - 1) return ((int)steps - 1, 0);
        if (!(bestDegree < int.MaxValue)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "no degree meets this tolerance");
        return ((int)bestDegree, Math.Exp(bestLogBound));
    }

    private static double LogMaxOnEllipse(double centre, double semiMajor, double step, double steps, TrainingDynamics dynamics)
    {
        if (dynamics == TrainingDynamics.Discrete)
        {
            // h sum_{j<t} q^j = h (q^t - 1) / (q - 1); for q near 1 it is h t.
            double q = Math.Abs(1 - step * centre) + step * semiMajor, logQ = Math.Log(q);
            if (Math.Abs(logQ) * steps < 1e-8) return Math.Log(step * steps);
            double logSum = logQ * steps > 0
                ? logQ * steps + Math.Log(-double.ExpM1(-logQ * steps)) - Math.Log(q - 1)
                : Math.Log(-double.ExpM1(logQ * steps)) - Math.Log(1 - q);
            return Math.Log(step) + logSum;
        }
        // integral_0^tau e^{-u r} du with r = min Re z = centre - semiMajor: tau when r = 0, (1 - e^{-tau r}) / r otherwise.
        double tau = step * steps, r = centre - semiMajor;
        if (Math.Abs(r) * tau < 1e-8) return Math.Log(tau);
        return r > 0 ? Math.Log(-double.ExpM1(-tau * r)) - Math.Log(r) : -tau * r + Math.Log(-double.ExpM1(tau * r)) - Math.Log(-r);
    }

    /// <summary>
    /// Chebyshev coefficients of the interpolant in the m + 1 points x_j = cos(j pi / m) (phi from <see cref="SpectralFilter"/>):
    /// c_k = (2/m) sum''_j phi(x_j) cos(j k pi / m), the first and last terms and coefficients halved.
    /// </summary>
    private static double[] InterpolantCoefficients(double lower, double upper, double step, double steps, TrainingDynamics dynamics, int degree)
    {
        if (degree == 0) return new[] { PhiAt(new[] { (lower + upper) / 2 }, step, steps, dynamics)[0] };
        var points = Enumerable.Range(0, degree + 1).Select(j => (lower + upper) / 2 + (upper - lower) / 2 * Math.Cos(Math.PI * j / degree)).ToArray();
        var values = PhiAt(points, step, steps, dynamics);
        var coefficients = new double[degree + 1];
        for (int k = 0; k <= degree; k++)
        {
            double sum = 0;
            for (int j = 0; j <= degree; j++)
            {
                // cos(j k pi / m) from the reduced angle keeps the argument small for large j k.
                double term = values[j] * Math.Cos(Math.PI * ((long)j * k % (2L * degree)) / degree);
                sum += j == 0 || j == degree ? term / 2 : term;
            }
            coefficients[k] = (k == 0 || k == degree ? 1.0 : 2.0) * sum / degree;
        }
        return coefficients;
    }

    private static double[] PhiAt(double[] points, double step, double steps, TrainingDynamics dynamics)
    {
        using var scope = NewDisposeScope();
        return SpectralFilter.Coefficients(tensor(points, ScalarType.Float64), step, steps, dynamics).data<double>().ToArray();
    }
}
