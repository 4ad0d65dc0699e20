namespace SmoothInfo.Build.Tests;

/// <summary>
/// Severities as MSBuild users expect them: a warning-severity finding obeys NoWarn, WarningsAsErrors and
/// -warnaserror by its code, and SmoothInfoSeverity items can lower or raise any finding.
/// One project serves every case: after the first build the estimator is skipped and its diagnostics replayed.
/// </summary>
public sealed class SeverityTests
{
    private GateProject _project = null!;

    [OneTimeSetUp]
    public void CreateProjectWithOneWarning()
    {
        _project = GateProject.ImportingTargets();
        _project.Expect(FakeScenario.Passed(FakeScenario.Diagnostic("warning", "SI1500", "sample 1 is atypical", GateProject.DataFile, 2, 1)));
    }

    [OneTimeTearDown]
    public void DeleteProject() => _project.Dispose();

    [Test]
    public void WarningIsShownAndTheBuildPasses()
    {
        var build = _project.Build();
        Assert.That(build.ExitCode, Is.Zero, build.ToString());
        Assert.That(build.Diagnostics().Single(), Does.Contain("(2,1,2,6): warning SI1500: sample 1 is atypical"));
    }

    [TestCase("-p:NoWarn=SI1500")]
    [TestCase("-p:MSBuildWarningsAsMessages=SI1500")]
    [TestCase("-nowarn:SI1500")]
    public void NoWarnHidesTheWarning(string argument)
    {
        var build = _project.Build(argument);
        Assert.That(build.ExitCode, Is.Zero, build.ToString());
        Assert.That(build.Diagnostics(), Is.Empty);
    }

    [TestCase("-warnaserror")]
    [TestCase("-warnaserror:SI1500")]
    [TestCase("-p:MSBuildWarningsAsErrors=SI1500")]
    [TestCase("-p:WarningsAsErrors=SI1500")]
    [TestCase("-p:MSBuildTreatWarningsAsErrors=true")]
    [TestCase("-p:SmoothInfoTreatWarningsAsErrors=true")]
    public void WarningsAsErrorsFailsTheBuild(string argument)
    {
        var build = _project.Build(argument);
        Assert.That(build.ExitCode, Is.Not.Zero, build.ToString());
        Assert.That(build.Diagnostics().Single(), Does.Contain("error SI1500: sample 1 is atypical"));
    }

    [Test]
    public void TheCompilersTreatWarningsAsErrorsLeavesTheGatesWarningsAlone()
    {
        // MSBuild 18 maps NoWarn and WarningsAsErrors onto task warnings, but not TreatWarningsAsErrors.
        var build = _project.Build("-p:TreatWarningsAsErrors=true");
        Assert.That(build.ExitCode, Is.Zero, build.ToString());
        Assert.That(build.Diagnostics().Single(), Does.Contain("warning SI1500"));
    }
}

/// <summary>SmoothInfoSeverity items change a finding's severity by code, also lowering errors (which NoWarn cannot).</summary>
public sealed class SeverityOverrideTests
{
    [Test]
    public void ErrorLoweredToWarningAndWarningSwitchedOffLetTheBuildPass()
    {
        using var project = GateProject.ImportingTargets(extraItems: """
            <SmoothInfoSeverity Include="SI1001" Severity="warning" />
            <SmoothInfoSeverity Include="SI1500" Severity="none" />
            """);
        project.Expect(FakeScenario.Failed(
            FakeScenario.Diagnostic("error", "SI1001", "sample 2 looks mislabeled", GateProject.DataFile, 3, 1),
            FakeScenario.Diagnostic("warning", "SI1500", "sample 1 is atypical", GateProject.DataFile, 2, 1)));

        var build = project.Build();

        Assert.That(build.ExitCode, Is.Zero, build.ToString());
        Assert.That(build.Diagnostics().Single(), Does.Contain("(3,1,3,6): warning SI1001: sample 2 looks mislabeled"));
    }

    [Test]
    public void UnknownSeverityIsAConfigurationError()
    {
        using var project = GateProject.ImportingTargets(extraItems: """<SmoothInfoSeverity Include="SI1001" Severity="fatal" />""");
        project.Expect(FakeScenario.Passed());

        var build = project.Build();

        Assert.That(build.ExitCode, Is.Not.Zero, build.ToString());
        Assert.That(build.Diagnostics().Single(), Does.Contain(
            "error SI3002: SmoothInfoSeverity 'SI1001' has Severity='fatal'; use error, warning, message or none."));
    }
}
