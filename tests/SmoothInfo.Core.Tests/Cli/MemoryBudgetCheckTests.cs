using SmoothInfo.Cli;
using SmoothInfo.Tests.Fuzz;

namespace SmoothInfo.Tests.Cli;

/// <summary>
/// `smoothinfo check` under estimator.memoryBudget: a route that does not fit is refused before the estimator allocates
/// anything large (exit 2, SI2210 at the key, no reports written), for every kind of probe.
/// </summary>
public sealed class MemoryBudgetCheckTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("budget-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private const int MemoryBudgetLine = 14;

    private string WritePolicy(string probe, string weightDecay, string budget, int samples)
    {
        PlantedCsv.Write(Path.Combine(_dir, "train.csv"), count: samples);
        string policy = Path.Combine(_dir, "smoothinfo.yml");
        File.WriteAllText(policy, $"""
            version: 1
            dataset:
              format: csv
              path: train.csv
              labelColumn: label
            model:
              probe: {probe}
            training:
              learningRate: 0.1
              steps: inf
              weightDecay: {weightDecay}
            estimator:
              seed: 3
              memoryBudget: {budget}
            reports:
              directory: out
              formats: [json]
            """);
        Assert.That(File.ReadLines(policy).ElementAt(MemoryBudgetLine - 1), Does.Contain("memoryBudget"));
        return policy;
    }

    private (int Code, string Error) Check(string policy)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        int code = SmoothInfoApp.Run(new[] { "check", "--policy", policy, "--no-progress" }, stdout, stderr);
        return (code, stderr.ToString() + stdout);
    }

    [TestCase("{ kind: mlp, widths: [32] }", "0.001", 600, "weight space")]       // n k = 1,800 > d = 227
    [TestCase("{ kind: mlp, widths: [32] }", "0.001", 60, "function space")]      // n k = 180 < d
    [TestCase("{ kind: mlp, widths: [2048] }", "auto", 60, "function space")]
    [TestCase("{ kind: gaussian }", "auto", 60, "the exact kernel")]
    [TestCase("{ kind: linear }", "0.001", 60, "the feature-space route")]
    public void EveryProbeIsRefusedAtTheKeyUnderATinyBudget(string probe, string weightDecay, int samples, string route)
    {
        string policy = WritePolicy(probe, weightDecay, "1KB", samples);
        var (code, error) = Check(policy);
        Assert.That(code, Is.EqualTo(ExitCodes.UsageOrInputError), error);
        Assert.That(error, Does.StartWith($"{policy}({MemoryBudgetLine},17): error SI2210: no route of the estimator fits the memory budget for {samples} samples: {route} needs about"));
        Assert.That(error, Does.Contain("'estimator.memoryBudget' is 1 KB").And.Contain("Fix: raise 'estimator.memoryBudget' to at least"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "out")) && Directory.EnumerateFiles(Path.Combine(_dir, "out"), "*.json").Any(), Is.False, "no report was written");
    }

    [Test]
    public void TheKernelIsNeverAllocatedWhenItDoesNotFit()
    {
        // 1,500 samples x 3 classes through a 2,048-wide MLP: function space, a 4,500 x 4,500 kernel, three of which (486 MB) at the peak.
        string policy = WritePolicy("{ kind: mlp, widths: [2048] }", "0.001", "64MB", samples: 1500);
        long before = ResidentSet.ResetPeak();
        var (code, error) = Check(policy);
        long grown = ResidentSet.Peak() - before;
        Assert.That(code, Is.EqualTo(ExitCodes.UsageOrInputError), error);
        Assert.That(error, Does.Contain("error SI2210").And.Contain("function space needs about"));
        Assert.That(grown, Is.LessThan(64L << 20), "the process grew by more than the budget before refusing");
    }

    [Test]
    public void UnderANormalBudgetTheRunGoesOnAndTheReportCarriesThePlan()
    {
        string policy = WritePolicy("{ kind: mlp, widths: [32] }", "0.001", "512MB", samples: 60);
        var (code, error) = Check(policy);
        Assert.That(code, Is.EqualTo(ExitCodes.GateFailed), error);
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "out", "smoothinfo-report.json")));
        var plan = report.RootElement.GetProperty("solver").GetProperty("plan");
        Assert.That(plan.GetProperty("route").GetString(), Is.EqualTo("function-space"), "n k = 180 < d = 227: the kernel, as before the planner");
        Assert.That(plan.GetProperty("memoryBudget").GetString(), Is.EqualTo("512 MB"));
        Assert.That(plan.GetProperty("estimatedPeakBytes").GetInt64(), Is.InRange(1, 512L << 20));
        Assert.That(plan.GetProperty("reason").GetString(), Does.StartWith("function space: the 180 x 180 kernel"));
    }
}
