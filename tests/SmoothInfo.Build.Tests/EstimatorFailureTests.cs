namespace SmoothInfo.Build.Tests;

/// <summary>
/// The estimator process ending badly: each case is one clear SI3001 error saying what happened,
/// never a hang and never MSBuild's generic "exited with code" (MSB6006) or "returned false" (MSB4181).
/// </summary>
public sealed class EstimatorFailureTests
{
    private const string FakeOutput = "Last output: smoothinfo: estimating (60%) | libtorch: allocating 12 GB";

    [TestCase("kill", 0, "was killed by signal 9 (SIGKILL: killed from outside, often by the out-of-memory killer; exit code 137)", FakeOutput)]
    [TestCase("crash", 0, "was killed by signal 6 (SIGABRT: the process aborted, e.g. a crash in native code; exit code 134)", "fake estimator crash")]
    [TestCase("exit", 3, "failed internally (exit code 3)", FakeOutput)]
    [TestCase("exit", 1, "exited with code 1 without writing its diagnostics file", FakeOutput)]
    [TestCase("exit", 42, "exited with code 42", FakeOutput)]
    public void ProcessFailureIsOneClearError(string end, int exitCode, string expected, string expectedOutput)
    {
        if (OperatingSystem.IsWindows() && end != "exit") Assert.Ignore("signals are a Unix notion");
        using var project = GateProject.ImportingTargets();
        project.Expect(FakeScenario.Dies(end, exitCode));

        var build = project.Build();

        Assert.That(build.ExitCode, Is.Not.Zero, build.ToString());
        var error = build.Diagnostics().Single();
        Assert.That(error, Does.StartWith($"{project.PolicyFile} : error SI3001: The SmoothInfo estimator {expected}"));
        Assert.That(error, Does.Contain(expectedOutput), "the last lines it printed say where it died");
        Assert.That(build.Diagnostics("MSB"), Is.Empty);
    }

    [Test]
    public void HangingEstimatorIsStoppedAtTheTimeout()
    {
        using var project = GateProject.ImportingTargets("<SmoothInfoTimeout>3000</SmoothInfoTimeout>");
        project.Expect(FakeScenario.Dies("hang"));

        var build = project.Build();

        Assert.That(build.ExitCode, Is.Not.Zero, build.ToString());
        Assert.That(build.Diagnostics().Single(), Does.Contain(
            "error SI3001: The SmoothInfo estimator did not finish within the timeout of 3000 ms (SmoothInfoTimeout) and was stopped"));
        Assert.That(build.Elapsed, Is.LessThan(TimeSpan.FromSeconds(90)));
    }

    [Test]
    public void UnreadableDiagnosticsFileIsAToolFailureNotAPass()
    {
        using var project = GateProject.ImportingTargets();
        project.Expect(new FakeScenario(new { schemaVersion = 1, outcome = "maybe", diagnostics = Array.Empty<object>() }, 0));

        var build = project.Build();

        Assert.That(build.ExitCode, Is.Not.Zero, build.ToString());
        Assert.That(build.Diagnostics().Single(), Does.Contain(
            "error SI3001: The SmoothInfo estimator exited with code 0 and wrote a diagnostics file that cannot be used: outcome is 'maybe'"));
    }

    [Test]
    public void FailedOutcomeWithoutAnyErrorStillFailsTheBuild()
    {
        using var project = GateProject.ImportingTargets();
        project.Expect(new FakeScenario(new { schemaVersion = 1, outcome = "failed", summary = "budget exceeded", diagnostics = Array.Empty<object>() }, 1));

        var build = project.Build();

        Assert.That(build.ExitCode, Is.Not.Zero, build.ToString());
        Assert.That(build.Diagnostics().Single(), Does.Contain("error SI3003: The SmoothInfo gate failed without naming an error: budget exceeded"));
    }

    [Test]
    public void MissingToolIsAConfigurationError()
    {
        using var project = GateProject.ImportingTargets("<SmoothInfoToolPath>/nonexistent/smoothinfo.dll</SmoothInfoToolPath>");

        var build = project.Build();

        Assert.That(build.ExitCode, Is.Not.Zero, build.ToString());
        Assert.That(build.Diagnostics().Single(), Does.Contain(
            "error SI3002: the estimator tool '/nonexistent/smoothinfo.dll' does not exist. Check SmoothInfoToolPath."));
    }
}
