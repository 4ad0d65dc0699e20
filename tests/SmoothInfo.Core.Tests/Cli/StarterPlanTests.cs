using SmoothInfo.Cli.Commands;
using SmoothInfo.Data;
using SmoothInfo.Diagnostics;
using SmoothInfo.Planning;
using SmoothInfo.Policy.Loading;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Tests.Cli;

/// <summary>`smoothinfo init` writes only a probe the planner accepts for the dataset: the gaussian probe, else the linear probe, else SI2210.</summary>
public sealed class StarterPlanTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("starter-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private (InferredDataset Inferred, Dataset Data) Read()
    {
        string csv = Path.Combine(_dir, "train.csv");
        PlantedCsv.Write(csv, count: 300);
        var inferred = DatasetInference.Infer(csv);
        var data = DatasetReader.Read(new DatasetPolicy(inferred.Format, inferred.Path, inferred.Labels, inferred.LabelColumn ?? "label", [],
            inferred.IdColumn, inferred.SourceColumn, "file", [], new PreprocessingPolicy(FeatureScaling.None, null, 1)), int.MaxValue);
        return (inferred, data);
    }

    private static long Need(Plan plan) => plan.Chosen.PeakBytes;

    [Test]
    public void WithRoomTheGaussianProbeIsWrittenAsBefore()
    {
        var (inferred, data) = Read();
        var plan = StarterPlan.For(data, backbone: false, PlanBudget.Unlimited);
        Assert.That((plan.Probe, plan.Plan.Route, plan.Note), Is.EqualTo((ProbeKind.Gaussian, Route.ClassSharedKernel, (string?)null)));
        string text = StarterPolicy.Render(inferred, data, plan, _dir, "smoothinfo.schema.json");
        Assert.That(PolicyLoader.Load(Path.Combine(_dir, "smoothinfo.yml"), text).Model.Probe.Kind, Is.EqualTo(ProbeKind.Gaussian));
    }

    [Test]
    public void WhenTheGaussianProbeDoesNotFitTheLinearProbeIsWrittenAndSaysWhy()
    {
        var (inferred, data) = Read();
        var size = new ProblemSize(data.Count, data.ClassNames.Count, data.FeatureCount, 0, 8);
        long linear = Need(RoutePlanner.ForLinearProbe(size, embedded: false, PlanBudget.Unlimited));
        long gaussian = Need(RoutePlanner.ForGaussianProbe(size, SmoothInfo.Gate.GaussianProbeRun.ExactKernelSamples, PlanBudget.Unlimited));
        Assert.That(linear, Is.LessThan(gaussian));
        var budget = new PlanBudget((linear + gaussian) / 2, "50%", null);

        var plan = StarterPlan.For(data, backbone: false, budget);
        Assert.That((plan.Probe, plan.Plan.Route), Is.EqualTo((ProbeKind.Linear, Route.FeatureSpace)));
        Assert.That(plan.Note, Does.StartWith("the gaussian probe does not fit the memory budget (50% of the available memory"));
        string text = StarterPolicy.Render(inferred, data, plan, _dir, "smoothinfo.schema.json");
        Assert.That(text, Does.Contain($"# smoothinfo init: {plan.Note}.").And.Contain("probe: { kind: linear }"));
        Assert.That(PolicyLoader.Load(Path.Combine(_dir, "smoothinfo.yml"), text).Model.Probe.Kind, Is.EqualTo(ProbeKind.Linear), "the written policy loads");
    }

    [Test]
    public void WhenNothingFitsInitRefusesWithTheGaussianProbesNumbers()
    {
        var (_, data) = Read();
        var e = Assert.Throws<InputException>(() => StarterPlan.For(data, backbone: false, new PlanBudget(1024, "1 KB", new SourceLocation("smoothinfo.yml"))))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.ExceedsMemoryBudget));
        Assert.That(e.Message, Does.Contain("the exact kernel needs about").And.Contain("for 300 samples"));
    }
}
