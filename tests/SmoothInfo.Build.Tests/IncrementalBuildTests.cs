namespace SmoothInfo.Build.Tests;

/// <summary>
/// Up-to-date builds: the estimator is skipped when none of its inputs changed, and the cached
/// diagnostics are replayed, so a failing gate keeps failing with the same lines and a passing one stays cheap.
/// </summary>
public sealed class IncrementalBuildTests
{
    [Test]
    public void NoOpRebuildOfAFailingGateSkipsTheEstimatorAndReportsTheSameErrors()
    {
        using var project = GateProject.ImportingTargets();
        project.Expect(FakeScenario.Failed(
            FakeScenario.Diagnostic("error", "SI1001", "sample 2 looks mislabeled", GateProject.DataFile, 3, 1),
            FakeScenario.Diagnostic("warning", "SI1500", "sample 1 is atypical", GateProject.DataFile, 2, 1)));

        var first = project.Build();
        var second = project.Build("-v:n");

        Assert.That(first.ExitCode, Is.Not.Zero, first.ToString());
        Assert.That(second.ExitCode, Is.Not.Zero, second.ToString());
        Assert.That(second.Diagnostics(), Is.EqualTo(first.Diagnostics()).And.Count.EqualTo(2));
        Assert.That(project.EstimatorCalls(), Has.Count.EqualTo(1), "the second build replays, it does not re-run");
        Assert.That(second.Output, Does.Contain("Skipping target \"_SmoothInfoRunEstimator\" because all output files are up-to-date"));
    }

    [Test]
    public void EditingTheDataOrTheSettingsRunsTheEstimatorAgain()
    {
        using var project = GateProject.ImportingTargets();
        project.Expect(FakeScenario.Passed());

        project.Build();
        var unchanged = project.Build();
        project.Touch(GateProject.DataFile);
        var afterDataEdit = project.Build();
        var afterDeviceChange = project.Build("-p:SmoothInfoDevice=cpu", "-p:SmoothInfoShowProgress=false");

        Assert.That(new[] { unchanged, afterDataEdit, afterDeviceChange }.Select(b => b.ExitCode), Is.All.Zero);
        var calls = project.EstimatorCalls();
        Assert.That(calls, Has.Count.EqualTo(3), "first build, after the data edit, after the device change");
        Assert.That(calls[2], Does.EndWith("--device cpu --no-progress"));
    }

    [Test]
    public void DataPathWithMSBuildSpecialCharactersIsTrackedAsOneFile()
    {
        // ';', '$', '(' and '%' mean something to MSBuild: the input list must carry such paths escaped.
        const string dataFile = "data (2024)/train;v1 $x %41.csv";
        using var project = GateProject.ImportingTargets();
        project.Write(dataFile, "x,label\n0.1,cat\n0.2,dog\n");
        project.Write("smoothinfo.yml", $"version: 1\ndataset:\n  format: csv\n  path: '{dataFile}'\n");
        project.Expect(FakeScenario.Passed());

        project.Build();
        var unchanged = project.Build();
        project.Touch(dataFile);
        var afterDataEdit = project.Build();

        Assert.That(unchanged.ExitCode, Is.Zero, unchanged.ToString());
        Assert.That(afterDataEdit.ExitCode, Is.Zero, afterDataEdit.ToString());
        Assert.That(project.EstimatorCalls(), Has.Count.EqualTo(2), "skipped when unchanged, run again after the edit");
    }

    [Test]
    public void AFailedEstimatorRunIsNotCachedSoTheNextBuildTriesAgain()
    {
        using var project = GateProject.ImportingTargets();
        project.Expect(FakeScenario.Dies("kill"));
        var killed = project.Build();
        project.Expect(FakeScenario.Passed());
        var retried = project.Build();

        Assert.That(killed.ExitCode, Is.Not.Zero, killed.ToString());
        Assert.That(retried.ExitCode, Is.Zero, retried.ToString());
        Assert.That(project.EstimatorCalls(), Has.Count.EqualTo(2));
    }
}
