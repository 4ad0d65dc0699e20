namespace SmoothInfo.Estimation;

/// <summary>
/// What the planner decided before the run (the solver report's <c>plan</c>): the route, its estimated peak memory and
/// operations, the memory budget as the policy states it ("50%", "4GB"), and why this route.
/// </summary>
public sealed record PlanSummary(string Route, long EstimatedPeakBytes, double Operations, string MemoryBudget, string Reason);
