using TorchSharp;
using SmoothInfo.Diagnostics;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// Refuses results that round-off has emptied of meaning: with condition number kappa and machine epsilon
/// eps, a solve keeps about -log10(kappa * eps) correct digits. Below two digits the answer is noise.
/// </summary>
public static class ConditionCheck
{
    public static double MachineEpsilon(ScalarType dtype) => dtype == ScalarType.Float32 ? 1.1920929e-7 : 2.220446049250313e-16;

    public static void Require(double condition, ScalarType dtype, double weightDecay)
    {
        if (condition * MachineEpsilon(dtype) <= 1e-2) return;
        string fix = weightDecay == 0
            ? "add weight decay (e.g. --weight-decay 1e-3) so the system has a unique, stable answer."
            : dtype == ScalarType.Float32
                ? "compute in float64 (--precision float64), or increase the weight decay."
                : "increase the weight decay.";
        throw new InputException(ErrorCodes.IllConditioned,
            $"the linear system is too ill-conditioned for {dtype.ToString().ToLowerInvariant()}: condition number {condition:G3}, " +
            "so the leave-one-out results would have fewer than two correct digits.", fix);
    }
}
