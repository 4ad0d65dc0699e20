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
        bool toFloat64 = (run.WeightDecay != 0 || !run.IsConverged) && dtype == ScalarType.Float32;
        // At finite t the map's condition grows with eta t lambda_max: fewer steps (or weight decay) shrink it.
        string stabilize = run.IsConverged ? "increase the weight decay" : $"train for fewer steps ({names.FiniteSteps}) or add weight decay";
        string fix = run.WeightDecay == 0 && run.IsConverged
            ? $"add weight decay (e.g. {names.WeightDecayExample}) so the system has a unique, stable answer."
            : toFloat64
                ? $"compute in float64 ({names.Float64}), or {stabilize}."
                : $"{stabilize}.";
        string system = run.IsConverged ? "the linear system" : $"the map from residuals to coefficients after t = {run.Steps:G} steps";
        throw new InputException(ErrorCodes.IllConditioned,
            $"{system} is too ill-conditioned for {dtype.ToString().ToLowerInvariant()}: condition number {condition:G3}, " +
            "so the leave-one-out results would have fewer than two correct digits.", fix,
            toFloat64 ? names.PrecisionLocation : run.IsConverged ? names.WeightDecayLocation : names.StepsLocation);
    }
}
