namespace SmoothInfo.Planning;

/// <summary>
/// The planner's decision: the route that runs, why, what it was estimated to need, the budget it fits, and every route
/// it weighed. The runs execute it; none of them chooses again.
/// </summary>
public sealed record Plan(RouteEstimate Chosen, string Reason, PlanBudget Budget, IReadOnlyList<RouteEstimate> Candidates)
{
    public Route Route => Chosen.Route;

    /// <summary>Working memory of the NTK's sample blocks: a quarter of the budget, at most 2 GB (faster blocks gain little beyond).</summary>
    public long NtkWorkingBytes => RoutePlanner.NtkWorkingBytes(Budget.Bytes);

    /// <summary>What the solver report keeps of the plan: route, estimated peak, operations, the budget as stated, the reason.</summary>
    public Estimation.PlanSummary Summary => new(RouteNames.Of(Route), Chosen.PeakBytes, Chosen.Operations, Budget.Stated, Reason);
}

/// <summary>The routes' names in reports and JSON (kebab-case).</summary>
public static class RouteNames
{
    public static string Of(Route route) => Policy.Model.KebabCase.Of(route);
}
