using System.Globalization;
using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Planning;

/// <summary>
/// The one place a route is decided. From the problem's sizes alone (before any large allocation) it lists the routes
/// that could run, with their estimated peak memory and operations, and takes the cheapest exact route (by operations)
/// that fits the budget; else the cheapest approximate one that fits, saying so; else it refuses with SI2210, naming
/// estimator.memoryBudget, how much the cheapest route needs and how many samples would fit.
/// </summary>
public static class RoutePlanner
{
    private const long MaxNtkWorkingBytes = 2L << 30;

    /// <summary>A quarter of the budget for the NTK's sample blocks (fewer samples per block below it), at most 2 GB.</summary>
    public static long NtkWorkingBytes(long budgetBytes) => Math.Clamp(budgetBytes / 4, 1, MaxNtkWorkingBytes);

    /// <summary>A network probe (mlp, cnn): its linear head, weight space or function space.</summary>
    public static Plan ForNetwork(ProblemSize size, TrainingRun run, bool autoWeightDecay, PlanBudget budget,
        long estimatorWorkingBytes = EstimatorOptions.DefaultWorkingMemoryBytes) =>
        Choose(size, s => new[]
        {
            RouteCosts.LinearHead(s, run, autoWeightDecay),
            RouteCosts.WeightSpace(s, run, autoWeightDecay),
            RouteCosts.FunctionSpace(s, run, autoWeightDecay, NtkWorkingBytes(budget.Bytes), estimatorWorkingBytes),
        }, budget, size.ElementBytes == 8,
        "'model.linearize: 1' (the final layer's q x q system) or 'estimator.kernel.projection' for a wide network");

    /// <summary>The gaussian probe: the exact class-shared kernel, or random features beyond its sample limit or budget.</summary>
    public static Plan ForGaussianProbe(ProblemSize size, long exactKernelSamples, PlanBudget budget) =>
        Choose(size, s => new[] { RouteCosts.ClassSharedKernel(s, exactKernelSamples), RouteCosts.RandomFeatures(s) }, budget,
            size.ElementBytes == 8, "'model.probe.kind: linear' (memory O(p^2), streamed)");

    /// <summary>The linear probe, streamed; <paramref name="embedded"/>: its features are a backbone's, held in memory.</summary>
    public static Plan ForLinearProbe(ProblemSize size, bool embedded, PlanBudget budget) =>
        Choose(size, s => new[] { RouteCosts.FeatureSpace(s, embedded) }, budget, size.ElementBytes == 8, null);

    private static Plan Choose(ProblemSize size, Func<ProblemSize, RouteEstimate[]> routesOf, PlanBudget budget, bool float64, string? otherRoutes)
    {
        var routes = routesOf(size);
        var applicable = routes.Where(r => r.Applies).OrderBy(r => r.Exact ? 0 : 1).ThenBy(r => r.Operations).ToList();
        var chosen = applicable.FirstOrDefault(r => r.PeakBytes <= budget.Bytes)
            ?? throw Refusal(size, routesOf, applicable, budget, float64, otherRoutes);
        return new Plan(chosen, Reason(chosen, routes, budget), budget, routes);
    }

    /// <summary>The chosen route, then why each other one was not taken (in terms that do not depend on the machine's free memory).</summary>
    private static string Reason(RouteEstimate chosen, IReadOnlyList<RouteEstimate> routes, PlanBudget budget)
    {
        string WhyNot(RouteEstimate r) => r.NotApplicable
            ?? (r.PeakBytes > budget.Bytes ? $"it needs about {MemoryBudget.FormatBytes(r.PeakBytes)}, more than 'estimator.memoryBudget'"
                : !r.Exact ? "it is approximate"
                : Invariant($"{Name(chosen)} is still cheaper ({chosen.Operations:G3} against {r.Operations:G3} operations)"));
        string approximate = chosen.Exact ? "" : " (approximate: no exact route fits)";
        return string.Join("; ", new[] { chosen.Description + approximate }.Concat(routes.Where(r => r != chosen).Select(r => $"{Name(r)} not taken: {WhyNot(r)}")));
    }

    private static InputException Refusal(ProblemSize size, Func<ProblemSize, RouteEstimate[]> routesOf, IReadOnlyList<RouteEstimate> applicable,
        PlanBudget budget, bool float64, string? otherRoutes)
    {
        var cheapest = applicable.MinBy(r => r.PeakBytes)!;
        string needs = string.Join("; ", applicable.OrderBy(r => r.PeakBytes).Select(r => $"{Name(r)} needs about {MemoryBudget.FormatBytes(r.PeakBytes)}"));
        long fitting = LargestFittingSampleCount(size, routesOf, budget.Bytes);
        var fixes = new List<string> { $"raise 'estimator.memoryBudget' to at least {MemoryBudget.FormatBytes(cheapest.PeakBytes)}" };
        if (fitting >= 2)
            fixes.Add(Invariant($"use a subset of at most {fitting} samples and set 'estimator.maxSamples: {fitting}'"));
        if (float64) fixes.Add("set 'estimator.precision: float32' (halves every tensor)");
        if (otherRoutes is not null) fixes.Add($"use {otherRoutes}");
        return new InputException(ErrorCodes.ExceedsMemoryBudget,
            Invariant($"no route of the estimator fits the memory budget for {size.Samples} samples: {needs}, and 'estimator.memoryBudget' is {budget.Describe()}. Nothing was allocated."),
            string.Join(", or ", fixes) + ".", budget.Location);
    }

    /// <summary>The most samples (at most the problem's) for which some applicable route fits the budget; 0 when none does.</summary>
    internal static long LargestFittingSampleCount(ProblemSize size, Func<ProblemSize, RouteEstimate[]> routesOf, long budgetBytes)
    {
        bool Fits(long n) => routesOf(size.WithSamples(n)).Any(r => r.Applies && r.PeakBytes <= budgetBytes);
        long low = 0, high = size.Samples;
        while (low < high)
        {
            long middle = low + (high - low + 1) / 2;
            if (Fits(middle)) low = middle; else high = middle - 1;
        }
        return low;
    }

    private static string Name(RouteEstimate route) => route.Route switch
    {
        Route.FunctionSpace => "function space",
        Route.WeightSpace => "weight space",
        Route.LinearHead => "the linear head",
        Route.ClassSharedKernel => "the exact kernel",
        Route.RandomFeatures => "random features",
        _ => "the feature-space route",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
