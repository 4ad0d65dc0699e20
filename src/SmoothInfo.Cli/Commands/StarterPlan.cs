using SmoothInfo.Data;
using SmoothInfo.Diagnostics;
using SmoothInfo.Models.Backbones;
using SmoothInfo.Planning;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Cli.Commands;

/// <summary>
/// The probe `init` writes, planned for the dataset as read against the default memory budget, so the policy it writes is
/// one `check` can run: the gaussian probe when one of its routes fits, else the linear probe (streamed, memory O(p^2)),
/// else the gaussian probe's refusal (SI2210) with its numbers.
/// </summary>
internal sealed record StarterPlan(ProbeKind Probe, Plan Plan, string? Note)
{
    public static StarterPlan For(Dataset dataset, bool backbone, PlanBudget budget)
    {
        var size = new ProblemSize(dataset.Count, dataset.ClassNames.Count, backbone ? ResNet18Features.Dimension : dataset.FeatureCount, 0, ElementBytes: 8);
        try
        {
            return new StarterPlan(ProbeKind.Gaussian, RoutePlanner.ForGaussianProbe(size, Gate.GaussianProbeRun.ExactKernelSamples, budget), null);
        }
        catch (InputException gaussian) when (gaussian.Code == ErrorCodes.ExceedsMemoryBudget)
        {
            try
            {
                var linear = RoutePlanner.ForLinearProbe(size, embedded: backbone, budget);
                return new StarterPlan(ProbeKind.Linear, linear,
                    $"the gaussian probe does not fit the memory budget ({budget.Describe()}) here, so the linear probe is written: it streams the samples in memory O(p^2) (about {MemoryBudget.FormatBytes(linear.Chosen.PeakBytes)})");
            }
            catch (InputException linear) when (linear.Code == ErrorCodes.ExceedsMemoryBudget)
            {
                throw gaussian;
            }
        }
    }
}
