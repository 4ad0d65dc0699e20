using System.Text.RegularExpressions;

namespace SmoothInfo.Build.Tests;

/// <summary>The gate after Build: passing data, failing data, a disabled gate, a bad policy.</summary>
public sealed class GateOutcomeTests
{
    [Test]
    public void PassingDataBuildsAndRunsTheEstimatorWithTheContractArguments()
    {
        using var project = GateProject.ImportingTargets();
        project.Expect(FakeScenario.Passed(FakeScenario.Diagnostic("message", "SI1900", "3 samples, SI median 0.02 nats")));

        var build = project.Build("-v:n");

        Assert.That(build.ExitCode, Is.Zero, build.ToString());
        var call = project.EstimatorCalls().Single();
        string reportFolder = Path.Combine(project.Folder, "obj", "smoothinfo");
        Assert.That(call, Does.Match($"^check --policy {Regex.Escape(project.PolicyFile)} --report-dir {Regex.Escape(reportFolder)}/smoothinfo-[0-9a-f]{{8}} " +
                                     $"--diagnostics {Regex.Escape(reportFolder)}/smoothinfo-[0-9a-f]{{8}}/msbuild-diagnostics.json$"));
        Assert.That(build.Output, Does.Contain("SmoothInfo passed: 3 samples checked, none flagged"));
        Assert.That(build.Output, Does.Contain("smoothinfo: estimating (60%)"), "progress lines are shown at normal verbosity");
        Assert.That(build.Output, Does.Contain($"{project.PolicyFile} : message SI1900: 3 samples, SI median 0.02 nats"));
        Assert.That(build.Diagnostics(), Is.Empty);
    }

    [Test]
    public void FailingDataFailsTheBuildWithOneErrorPerSamplePointingIntoTheDataFile()
    {
        using var project = GateProject.ImportingTargets();
        project.Expect(FakeScenario.Failed(
            FakeScenario.Diagnostic("error", "SI1001", "sample 2 looks mislabeled: label 'dog', SI 4.1 nats {over the 1.5 threshold}", GateProject.DataFile, 3, 1),
            FakeScenario.Diagnostic("error", "SI1002", "sample 3 looks corrupted", Path.Combine(project.Folder, GateProject.DataFile), 4, 1)));

        var build = project.Build();

        Assert.That(build.ExitCode, Is.Not.Zero, build.ToString());
        string data = Path.Combine(project.Folder, GateProject.DataFile);
        Assert.That(build.Diagnostics(), Is.EqualTo(new[]
        {
            $"{data}(3,1,3,6): error SI1001: sample 2 looks mislabeled: label 'dog', SI 4.1 nats {{over the 1.5 threshold}} [{project.ProjectFile}]",
            $"{data}(4,1,4,6): error SI1002: sample 3 looks corrupted [{project.ProjectFile}]",
        }));
        Assert.That(build.Output, Does.Contain("SmoothInfo failed: 3 samples checked, 2 flagged"));
        Assert.That(build.Output, Does.Not.Contain("MSB"), "no generic MSBuild error on top of the gate's own");
    }

    [Test]
    public void InputErrorFoundByTheEstimatorPointsIntoTheDataFile()
    {
        using var project = GateProject.ImportingTargets();
        project.Expect(new FakeScenario(new
        {
            schemaVersion = 1, outcome = "failed", summary = "the dataset could not be read",
            diagnostics = new[] { FakeScenario.Diagnostic("error", "SI2106", "'x' is 'abc', not a number", GateProject.DataFile, 4, 1) },
        }, 2));

        var build = project.Build();

        Assert.That(build.ExitCode, Is.Not.Zero, build.ToString());
        Assert.That(build.Diagnostics().Single(), Does.StartWith($"{Path.Combine(project.Folder, GateProject.DataFile)}(4,1,4,6): error SI2106: 'x' is 'abc', not a number"));
    }

    [Test]
    public void DisabledGateSkipsEverythingEvenABrokenPolicy()
    {
        using var project = GateProject.ImportingTargets();
        project.Write("smoothinfo.yml", "version: 1\ndataset: [broken\n");
        project.Expect(FakeScenario.Failed(FakeScenario.Diagnostic("error", "SI1001", "never shown", GateProject.DataFile, 2, 1)));

        var build = project.Build("-p:SmoothInfoEnabled=false");

        Assert.That(build.ExitCode, Is.Zero, build.ToString());
        Assert.That(project.EstimatorCalls(), Is.Empty);
        Assert.That(build.Output, Does.Not.Contain("SmoothInfo"));
    }

    [Test]
    public void BadPolicyFailsWithItsLineAndColumnAndTheEstimatorNeverStarts()
    {
        using var project = GateProject.ImportingTargets();
        project.Write("smoothinfo.yml", GateProject.Policy + "  lable_column: y\n");
        project.Expect(FakeScenario.Passed());

        var build = project.Build();

        Assert.That(build.ExitCode, Is.Not.Zero, build.ToString());
        var error = build.Diagnostics().Single();
        Assert.That(error, Does.StartWith($"{project.PolicyFile}(5,3): error SI2003: unknown key 'lable_column' in 'dataset'"));
        Assert.That(error, Does.Contain("Did you mean 'labelColumn'?"));
        Assert.That(project.EstimatorCalls(), Is.Empty);
    }
}
