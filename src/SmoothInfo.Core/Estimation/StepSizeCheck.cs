using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>What decided a step-size verdict, from cheapest to exact.</summary>
public enum StepCheckMethod
{
    /// <summary>The 1-norm bounds lambda_max from above: a certain pass.</summary>
    OneNorm,

    /// <summary>Lanczos: a Ritz value above the limit is a certain failure; a pass holds except with probability FailureProbability.</summary>
    Lanczos,

    /// <summary>A Cholesky attempt on (2/h) I - Theta_l: exact.</summary>
    Cholesky,
}

/// <param name="Converges">h * lambda_max(Theta_l) &lt; 2.</param>
/// <param name="LargestEigenvalue">Lanczos' estimate of lambda_max(Theta_l), a lower bound; NaN when the 1-norm decided.</param>
public sealed record StepVerdict(bool Converges, double LargestEigenvalue, StepCheckMethod DecidedBy);

/// <summary>
/// Gradient descent with step h on Theta_l = Theta + lambda I converges only if h * lambda_max(Theta_l) &lt; 2.
/// Leave-one-out kernels are principal submatrices, whose eigenvalues interlace, so checking the full kernel with
/// the larger leave-one-out step covers every run. Three screens, cheapest first:
/// <list type="number">
/// <item>the 1-norm bounds lambda_max from above (O(N^2)): passes diagonally dominant kernels;</item>
/// <item>Lanczos (one O(N^2) product per step). Its largest Ritz value never exceeds lambda_max, so a Ritz value
/// above 2/h proves divergence. It also passes a step whose distance to the limit it has resolved: for a positive
/// semidefinite matrix and a start vector uniform on the sphere, the Ritz value after j steps is below
/// (1 - eps) lambda_max with probability at most 1.648 sqrt(N) exp(-sqrt(eps) (2j - 1)) (Kuczynski and
/// Wozniakowski, SIAM J. Matrix Anal. Appl. 13(4), 1992, theorem 4.2), so it passes once that is below
/// <see cref="FailureProbability"/>. The bound needs Theta_l positive semidefinite, which only the closed form proves
/// (its Cholesky of Theta_l follows at once), so only it lets Lanczos pass a step;</item>
/// <item>otherwise, near the limit, one Cholesky of (2/h) I - Theta_l decides exactly (O(N^3)). The finite-t methods
/// cost far more than this Cholesky, so they always take it.</item>
/// </list>
/// </summary>
public static class StepSizeCheck
{
    /// <summary>The largest chance, over start vectors, that the Lanczos screen passes a divergent step.</summary>
    public const double FailureProbability = 1e-12;

    /// <summary>At N = 10,000 sixty products cost well under the Cholesky they replace.</summary>
    private const int MaxLanczosSteps = 60;

    /// <summary>
    /// The closed form's check. It factorizes Theta_l right after, so a Lanczos pass, which assumes it positive
    /// semidefinite, is either valid or overtaken by that failure. (The finite-t methods bound or compute Theta_l's
    /// spectrum anyway and check with <see cref="RequireBelowLimit(SpectrumBounds, Tensor, TrainingRun, long)"/> or
    /// <see cref="RequireBelowLimit(double, TrainingRun, long)"/>.)
    /// </summary>
    public static void RequireBeforeFactorizing(Tensor kernel, TrainingRun run, long sampleCount)
    {
        double step = run.LeaveOneOutLearningRate(sampleCount);
        var verdict = Decide(kernel, run.WeightDecay, step, allowProbabilisticPass: true);
        if (!verdict.Converges) throw Diverges(run, step, verdict.LargestEigenvalue);
    }

    /// <summary>
    /// The check of routes that have the exact largest eigenvalue of Theta_l: the finite-t spectral method's, the
    /// weight-space routes' lambda I + J^T J, which J J^T + lambda I shares (J^T J and J J^T have the same non-zero
    /// eigenvalues). No screen is needed.
    /// </summary>
    public static void RequireBelowLimit(double largestEigenvalue, TrainingRun run, long sampleCount)
    {
        if (run.Dynamics != TrainingDynamics.Discrete) return;
        double step = run.LeaveOneOutLearningRate(sampleCount);
        if (step * largestEigenvalue >= 2) throw Diverges(run, step, largestEigenvalue);
    }

    /// <summary>
    /// The check of the finite-t methods that bound Theta_l's spectrum instead of computing it: the bound's upper end
    /// passes, the largest Ritz value (a lower bound of lambda_max) refuses, and between them one Cholesky decides
    /// exactly. A pass by that Cholesky also proves 2/h an upper end of the spectrum, which the bounds then take.
    /// </summary>
    /// <param name="kernel">Theta, without the weight decay: the bounds are of Theta_l = Theta + lambda I.</param>
    public static SpectrumBounds RequireBelowLimit(SpectrumBounds spectrum, Tensor kernel, TrainingRun run, long sampleCount)
    {
        if (run.Dynamics != TrainingDynamics.Discrete) return spectrum;
        double step = run.LeaveOneOutLearningRate(sampleCount);
        if (step * spectrum.Upper < 2) return spectrum;
        if (step * spectrum.Largest.Value >= 2 || !ShiftedIsPositiveDefinite(kernel, run.WeightDecay, step))
            throw Diverges(run, step, spectrum.Largest.Value);
        return spectrum with { Upper = 2 / step };
    }

    private static InputException Diverges(TrainingRun run, double step, double largest)
    {
        var names = run.Names;
        string which = run.Loss == LossReduction.Mean
            ? $"the leave-one-out step eta*n/(n-1) = {step:G4} (mean loss over n-1 samples)"
            : $"the step {step:G4}";
        return new InputException(ErrorCodes.GradientDescentDiverges,
            $"discrete gradient descent diverges: {which} times the largest eigenvalue of the kernel plus weight decay " +
            $"(about {largest:G4}) is {step * largest:G4}, and it must stay below 2.",
            $"lower {names.LearningRate} below {2 / largest * run.LearningRate / step:G3}, or {names.UseGradientFlow} for gradient flow.",
            names.LearningRateLocation);
    }

    /// <param name="allowProbabilisticPass">Let Lanczos pass a step (only when Theta_l is known to be positive semidefinite).</param>
    public static StepVerdict Decide(Tensor kernel, double weightDecay, double step, bool allowProbabilisticPass)
    {
        if (step * (Conditioning.SymmetricOneNorm(kernel) + weightDecay) < 2) return new StepVerdict(true, double.NaN, StepCheckMethod.OneNorm);
        if (allowProbabilisticPass)
        {
            var (ritz, verdict) = Lanczos(kernel, weightDecay, step, allowPass: true);
            return verdict is bool converges
                ? new StepVerdict(converges, ritz, StepCheckMethod.Lanczos)
                : new StepVerdict(ShiftedIsPositiveDefinite(kernel, weightDecay, step), ritz, StepCheckMethod.Cholesky);
        }
        // Lanczos only words the error message here.
        return ShiftedIsPositiveDefinite(kernel, weightDecay, step)
            ? new StepVerdict(true, double.NaN, StepCheckMethod.Cholesky)
            : new StepVerdict(false, Lanczos(kernel, weightDecay, step, allowPass: false).Ritz, StepCheckMethod.Cholesky);
    }

    /// <summary>The exact test: h * lambda_max(Theta_l) &lt; 2 exactly when (2/h) I - Theta_l is positive definite.</summary>
    private static bool ShiftedIsPositiveDefinite(Tensor kernel, double weightDecay, double step) =>
        Conditioning.IsPositiveDefinite(kernel, negated: true, 2 / step - weightDecay);

    /// <summary>
    /// Lanczos on Theta_l (<see cref="LanczosIteration"/>). Returns the largest Ritz value and the verdict once one is
    /// certain (else null). It runs until the Ritz value has settled (unless it passes first), so that a divergence near
    /// the limit is still found and the error message's eigenvalue is accurate.
    /// </summary>
    private static (double Ritz, bool? Converges) Lanczos(Tensor kernel, double weightDecay, double step, bool allowPass)
    {
        using var lanczos = new LanczosIteration(kernel, weightDecay, MaxLanczosSteps);
        long size = kernel.shape[0];
        int maxSteps = (int)Math.Min(MaxLanczosSteps, size);
        double ritz = double.NegativeInfinity;
        // A Ritz value is a Rayleigh quotient, never above lambda_max; the margin covers its round-off.
        double epsilon = ConditionCheck.MachineEpsilon(kernel.dtype), margin = Math.Sqrt(epsilon), settledChange = Math.Max(1e-10, 10 * epsilon);
        bool Diverges() => step * ritz >= 2 * (1 + margin);
        while (lanczos.Step())
        {
            double before = ritz;
            ritz = lanczos.ExtremeRitzValues().Largest.Value;
            bool settled = ritz - before <= settledChange * Math.Abs(ritz);

            if (Diverges() && settled) return (ritz, false);
            bool passReachable = false;
            if (allowPass && step * ritz < 2)
            {
                // With eps below 1 - h*ritz/2, ritz >= (1 - eps) lambda_max implies h * lambda_max < 2.
                double eps = 0.9 * (1 - step * ritz / 2);
                double neededSteps = (Math.Log(1.648 * Math.Sqrt(size) / FailureProbability) / Math.Sqrt(eps) + 1) / 2;
                if (lanczos.Steps >= neededSteps) return (ritz, true);
                passReachable = neededSteps <= maxSteps;
            }
            // A settled Ritz value will not cross the limit any more; keep going only while a pass can still be reached.
            if (settled && !passReachable) break;
        }
        return (ritz, Diverges() ? false : null);
    }
}
