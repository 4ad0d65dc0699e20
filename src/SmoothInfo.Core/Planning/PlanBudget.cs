using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Planning;

/// <summary>
/// The memory budget a plan is made against: its bytes on this machine, how the policy states it (what reports show, so
/// they do not change with the machine's free memory), and where it is written, for a refusal to point at.
/// </summary>
public sealed record PlanBudget(long Bytes, string Stated, SourceLocation? Location)
{
    /// <summary>No limit: for callers that choose a route by cost alone (tests, benchmarks, the kernel command).</summary>
    public static PlanBudget Unlimited { get; } = new(long.MaxValue, "unlimited", null);

    /// <param name="location">Where estimator.memoryBudget is written (or would be).</param>
    public static PlanBudget Of(MemoryBudget budget, SourceLocation? location) =>
        new(budget.Bytes ?? budget.Resolve(AvailableMemory.Bytes()), budget.ToString(), location);

    /// <summary>The budget in a message: "4 GB", or "50% of the available memory (10.7 GB here)".</summary>
    public string Describe() => Stated.EndsWith('%') ? $"{Stated} of the available memory ({MemoryBudget.FormatBytes(Bytes)} here)" : Stated;
}
