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

    public static void Require(double condition, ScalarType dtype, TrainingRun run)
    {
        if (condition * MachineEpsilon(dtype) <= 1e-2) return;
        var names = run.Names;
        bool toFloat64 = run.WeightDecay != 0 && dtype == ScalarType.Float32;
        string fix = run.WeightDecay == 0
            ? $"add weight decay (e.g. {names.WeightDecayExample}) so the system has a unique, stable answer."
            : toFloat64
                ? $"compute in float64 ({names.Float64}), or increase the weight decay."
                : "increase the weight decay.";
        throw new InputException(ErrorCodes.IllConditioned,
            $"the linear system is too ill-conditioned for {dtype.ToString().ToLowerInvariant()}: condition number {condition:G3}, " +
            "so the leave-one-out results would have fewer than two correct digits.", fix,
            toFloat64 ? names.PrecisionLocation : names.WeightDecayLocation);
    }
}
