using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Planning;

namespace SmoothInfo.Tests.Planning;

/// <summary>
/// The planner from sizes alone: under no limit it takes the route the gate took before it existed; under a tiny budget
/// every route is refused with SI2210 at estimator.memoryBudget, with the numbers and the fixes; in between it takes what fits.
/// </summary>
public sealed class RoutePlannerTests
{
    private static readonly TrainingRun Converged = new(0.1, double.PositiveInfinity, 1e-3);
    private static readonly SourceLocation BudgetAt = new("smoothinfo.yml", 14, 17);
    private static readonly PlanBudget Tiny = new(1024, "1 KB", BudgetAt);

    private static ProblemSize Network(long n, long d, long? head = null, long m = 0) =>
        new(n, 3, 20, m, 8) { LinearizedParameters = d, HeadFeatures = head };

    private static Plan PlanNetwork(ProblemSize size, PlanBudget budget, TrainingRun? run = null, bool auto = false) =>
        RoutePlanner.ForNetwork(size, run ?? Converged, auto, budget);

    private static Plan PlanGaussian(ProblemSize size, PlanBudget budget) => RoutePlanner.ForGaussianProbe(size, 6000, budget);

    private static Plan PlanLinear(ProblemSize size, PlanBudget budget) => RoutePlanner.ForLinearProbe(size, embedded: false, budget);

    /// <summary>Each route with the sizes where it is the one taken, with and without held-out samples.</summary>
    private static IEnumerable<TestCaseData> EveryRoute()
    {
        foreach (long m in new long[] { 0, 50 })
        {
            yield return new TestCaseData(Route.FunctionSpace, (Func<PlanBudget, Plan>)(b => PlanNetwork(Network(200, d: 5000, m: m), b))).SetArgDisplayNames("function space", $"m={m}");
            yield return new TestCaseData(Route.FunctionSpace, (Func<PlanBudget, Plan>)(b => PlanNetwork(Network(200, d: 5000, m: m), b, new TrainingRun(0.1, 100, 1e-3)))).SetArgDisplayNames("function space, finite t", $"m={m}");
            yield return new TestCaseData(Route.FunctionSpace, (Func<PlanBudget, Plan>)(b => PlanNetwork(Network(200, d: 5000, m: m), b, auto: true))).SetArgDisplayNames("function space, weight decay auto", $"m={m}");
            yield return new TestCaseData(Route.WeightSpace, (Func<PlanBudget, Plan>)(b => PlanNetwork(Network(2000, d: 89, m: m), b))).SetArgDisplayNames("weight space", $"m={m}");
            yield return new TestCaseData(Route.LinearHead, (Func<PlanBudget, Plan>)(b => PlanNetwork(Network(2000, d: 15, head: 5, m: m), b))).SetArgDisplayNames("linear head", $"m={m}");
            yield return new TestCaseData(Route.LinearHead, (Func<PlanBudget, Plan>)(b => PlanNetwork(Network(2000, d: 15, head: 5, m: m), b, auto: true))).SetArgDisplayNames("linear head, weight decay auto", $"m={m}");
            yield return new TestCaseData(Route.ClassSharedKernel, (Func<PlanBudget, Plan>)(b => PlanGaussian(new ProblemSize(500, 3, 20, m, 8), b))).SetArgDisplayNames("gaussian probe, exact", $"m={m}");
            yield return new TestCaseData(Route.RandomFeatures, (Func<PlanBudget, Plan>)(b => PlanGaussian(new ProblemSize(7000, 3, 20, m, 8), b))).SetArgDisplayNames("gaussian probe, random features", $"m={m}");
        }
        yield return new TestCaseData(Route.FeatureSpace, (Func<PlanBudget, Plan>)(b => PlanLinear(new ProblemSize(1000, 3, 32, 0, 8), b))).SetArgDisplayNames("linear probe", "m=0");
        yield return new TestCaseData(Route.FeatureSpace, (Func<PlanBudget, Plan>)(b => RoutePlanner.ForLinearProbe(new ProblemSize(1000, 3, 512, 0, 8), embedded: true, b)))
            .SetArgDisplayNames("linear probe on a backbone's features", "m=0");
    }

    [TestCaseSource(nameof(EveryRoute))]
    public void UnderATinyBudgetEveryRouteIsRefusedWithTheKeyTheNumbersAndTheFix(Route route, Func<PlanBudget, Plan> plan)
    {
        var unlimited = plan(PlanBudget.Unlimited);
        Assert.That(unlimited.Route, Is.EqualTo(route), unlimited.Reason);
        Assert.That(unlimited.Chosen.PeakBytes, Is.GreaterThan(Tiny.Bytes));

        var e = Assert.Throws<InputException>(() => plan(Tiny))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.ExceedsMemoryBudget));
        Assert.That(e.Location, Is.EqualTo(BudgetAt));
        Assert.That(e.Message, Does.Contain("'estimator.memoryBudget' is 1 KB").And.Contain("needs about").And.Contain("Nothing was allocated"));
        Assert.That(e.Message, Does.Match(@"needs about [0-9.]+ (KB|MB|GB)"));
        // Function space's NTK blocks shrink with the budget (a quarter of it), so only the others' estimates are the unlimited plan's.
        if (route != Route.FunctionSpace)
            Assert.That(e.Message, Does.Contain(Policy.Model.MemoryBudget.FormatBytes(unlimited.Candidates.Where(r => r.Applies).Min(r => r.PeakBytes))),
                "the smallest applicable route's estimate is named");
        Assert.That(e.Fix, Does.StartWith("raise 'estimator.memoryBudget' to at least").And.Contain("'estimator.precision: float32'"));
        Assert.That(e.ToDiagnosticLine(), Does.StartWith("smoothinfo.yml(14,17): error SI2210: "));
    }

    [Test]
    public void WithoutALimitTheGaussianProbeKeepsItsExactKernelUpTo6000Samples()
    {
        Assert.That(PlanGaussian(new ProblemSize(6000, 10, 784, 0, 8), PlanBudget.Unlimited).Route, Is.EqualTo(Route.ClassSharedKernel));
        var beyond = PlanGaussian(new ProblemSize(6001, 10, 784, 0, 8), PlanBudget.Unlimited);
        Assert.That(beyond.Route, Is.EqualTo(Route.RandomFeatures));
        Assert.That(beyond.Reason, Does.Contain("6001 samples exceed the exact kernel's 6000").And.Contain("approximate"));
    }

    [Test]
    public void WhenTheExactKernelDoesNotFitTheApproximationIsTakenAndSaysSo()
    {
        var size = new ProblemSize(5000, 10, 784, 0, 8);
        var unlimited = PlanGaussian(size, PlanBudget.Unlimited);
        var randomFeatures = unlimited.Candidates.Single(r => r.Route == Route.RandomFeatures);
        Assert.That(randomFeatures.PeakBytes, Is.LessThan(unlimited.Chosen.PeakBytes));
        var between = new PlanBudget((randomFeatures.PeakBytes + unlimited.Chosen.PeakBytes) / 2, "stated", null);
        var plan = PlanGaussian(size, between);
        Assert.That(plan.Route, Is.EqualTo(Route.RandomFeatures));
        Assert.That(plan.Chosen.Exact, Is.False);
        Assert.That(plan.Reason, Does.Contain("approximate: no exact route fits").And.Contain("the exact kernel not taken: it needs about"));
        Assert.That(plan.Summary.MemoryBudget, Is.EqualTo("stated"), "reports carry the budget as written, not this machine's bytes");
    }

    [Test]
    public void RoutesThatCannotRunSayWhyAndAreNeverTaken()
    {
        var finite = PlanNetwork(Network(2000, d: 89), PlanBudget.Unlimited, new TrainingRun(0.1, 100, 1e-3));
        Assert.That(finite.Route, Is.EqualTo(Route.FunctionSpace));
        Assert.That(finite.Reason, Does.Contain("weight space not taken: it computes converged runs (steps: inf) only"));
        var noDecay = PlanNetwork(Network(2000, d: 89), PlanBudget.Unlimited, new TrainingRun(0.1, double.PositiveInfinity, 0));
        Assert.That(noDecay.Route, Is.EqualTo(Route.FunctionSpace));
        Assert.That(noDecay.Reason, Does.Contain("weight space not taken: it needs a positive weight decay"));
        var auto = PlanNetwork(Network(2000, d: 89), PlanBudget.Unlimited, auto: true);
        Assert.That(auto.Route, Is.EqualTo(Route.FunctionSpace));
        Assert.That(auto.Reason, Does.Contain("weightDecay auto is chosen on the kernel's eigendecomposition"));
    }

    /// <summary>The refusal's sample count against its slow twin: every n from 1 up, planned one by one.</summary>
    [TestCase(Route.FunctionSpace)]
    [TestCase(Route.ClassSharedKernel)]
    public void TheSampleCountTheRefusalOffersIsTheLargestThatFits(Route route)
    {
        const long samples = 400;
        Func<long, PlanBudget, Plan> plan = route == Route.FunctionSpace
            ? (n, b) => PlanNetwork(Network(n, d: 2000), b)
            : (n, b) => PlanGaussian(new ProblemSize(n, 3, 20, 0, 8), b);
        long allowance = RouteCosts.RunAllowanceBytes;
        var budget = new PlanBudget(allowance + (plan(samples, PlanBudget.Unlimited).Chosen.PeakBytes - allowance) / 5, "some", null);
        long bruteForce = 0;
        for (long n = 1; n <= samples; n++)
        {
            try
            {
                plan(n, budget);
                bruteForce = n;
            }
            catch (InputException e) when (e.Code == ErrorCodes.ExceedsMemoryBudget)
            {
            }
        }
        Assert.That(bruteForce, Is.InRange(2, samples - 1));
        var refusal = Assert.Throws<InputException>(() => plan(samples, budget))!;
        Assert.That(refusal.Fix, Does.Contain($"use a subset of at most {bruteForce} samples and set 'estimator.maxSamples: {bruteForce}'"));
    }

    /// <summary>Every tensor halves; the NTK's working memory is bytes of the budget, so function space is left out here.</summary>
    [Test]
    public void Float32HalvesTheEstimate()
    {
        foreach (var size in new[] { new ProblemSize(500, 3, 20, 40, 8), Network(2000, d: 89, m: 40), Network(2000, d: 15, head: 5) })
        {
            var float64 = (size.LinearizedParameters == 0 ? PlanGaussian(size, PlanBudget.Unlimited) : PlanNetwork(size, PlanBudget.Unlimited)).Chosen;
            var float32 = (size.LinearizedParameters == 0 ? PlanGaussian(size with { ElementBytes = 4 }, PlanBudget.Unlimited)
                : PlanNetwork(size with { ElementBytes = 4 }, PlanBudget.Unlimited)).Chosen;
            Assert.That(float32.Route, Is.EqualTo(float64.Route));
            const long allowance = RouteCosts.RunAllowanceBytes; // the allocator's share does not scale with the dtype
            Assert.That(float32.PeakBytes - allowance, Is.EqualTo((float64.PeakBytes - allowance) / 2.0).Within(1.0), float64.Description);
        }
    }
}
