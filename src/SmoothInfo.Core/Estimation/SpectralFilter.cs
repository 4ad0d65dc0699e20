using SmoothInfo.Policy.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// The map from residual to coefficients after t steps, as a function of an eigenvalue lambda of
/// Theta_l: c = phi(Theta_l) r with phi(lambda) = (1 - e_t(lambda)) / lambda, where
/// e_t = (1 - h*lambda)^t for gradient descent and exp(-h*t*lambda) for gradient flow.
/// Written with expm1/log1p so that eigenvalues near zero (lambda = 0 kernels) keep full precision;
/// phi(0) = h*t exactly.
/// </summary>
public static class SpectralFilter
{
    public static Tensor Coefficients(Tensor eigenvalues, double step, double steps, TrainingDynamics dynamics)
    {
        using var scope = NewDisposeScope();
        Tensor oneMinusDecay; // 1 - e_t(lambda)
        if (dynamics == TrainingDynamics.Continuous)
        {
            oneMinusDecay = -torch.expm1(eigenvalues * (-step * steps));
        }
        else
        {
            var x = eigenvalues * step;
            // Below 1, (1 - x)^t = exp(t*log1p(-x)) without cancellation; at or above 1 the base is <= 0
            // and |1 - x| < 1 (the step check guarantees x < 2), so a plain power is accurate.
            var smooth = -torch.expm1(torch.log1p(-x.clamp_max(0.5)) * steps);
            var plain = 1 - torch.pow(1 - x, steps);
            oneMinusDecay = torch.where(x < 0.5, smooth, plain);
        }
        var safe = torch.where(eigenvalues == 0, torch.ones_like(eigenvalues), eigenvalues);
        var phi = torch.where(eigenvalues == 0, torch.full_like(eigenvalues, step * steps), oneMinusDecay / safe);
        return phi.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The condition number of the map r -&gt; c = phi(Theta_l) r: max phi / min phi over the eigenvalues of Theta_l (phi &gt; 0
    /// for a step the step check passed). At t = infinity phi = 1/lambda and this is the condition of Theta_l; at finite t
    /// it stays below about eta t lambda_max, which is how early stopping regularizes. Computed in float64.
    /// </summary>
    public static double Condition(Tensor eigenvalues, double step, double steps, TrainingDynamics dynamics)
    {
        using var scope = NewDisposeScope();
        var phi = Coefficients(eigenvalues.to(ScalarType.Float64), step, steps, dynamics);
        double smallest = phi.min().item<double>();
        return smallest > 0 ? phi.max().item<double>() / smallest : double.PositiveInfinity;
    }

    /// <summary>
    /// Bounds on the smallest and the largest phi over every spectrum inside [lower, upper]. Gradient flow's phi and gradient
    /// descent's below h lambda = 1 (every term (1 - h lambda)^j decreasing) fall with lambda: phi(upper) and phi(lower).
    /// Past h lambda = 1 descent's phi oscillates, but with x = h lambda in (1, h upper] it lies between
    /// (1 - (h upper - 1)^t) / upper and h (1 + (h upper - 1)^t); at h lambda = 1 it is h, between the two.
    /// </summary>
    public static (double Smallest, double Largest) RangeOver(double lower, double upper, double step, double steps, TrainingDynamics dynamics)
    {
        using var scope = NewDisposeScope();
        var ends = Coefficients(tensor(new[] { lower, upper }), step, steps, dynamics);
        double atLower = ends[0].ToDouble(), atUpper = ends[1].ToDouble();
        if (dynamics == TrainingDynamics.Continuous || step * upper <= 1) return (atUpper, atLower);
        double excess = Math.Pow(step * upper - 1, steps);
        return ((1 - excess) / upper, Math.Max(atLower, step * (1 + excess)));
    }

    /// <summary>An upper bound of <see cref="Condition"/> for every spectrum inside [lower, upper] (<see cref="RangeOver"/>).</summary>
    public static double ConditionOver(double lower, double upper, double step, double steps, TrainingDynamics dynamics)
    {
        var (smallest, largest) = RangeOver(lower, upper, step, steps, dynamics);
        return smallest > 0 ? largest / smallest : double.PositiveInfinity;
    }
}
