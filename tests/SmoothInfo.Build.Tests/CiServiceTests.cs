using SmoothInfo.Build.Ci;

namespace SmoothInfo.Build.Tests;

/// <summary>
/// Real builds under the variables GitHub Actions and Azure Pipelines set on their runners: each error gets one
/// annotation (MSBuild's own line when setup-dotnet's matcher reads it, else a command), and the Markdown report
/// lands in the service's summary. The runners themselves are not involved: the tests read the build's output.
/// </summary>
public sealed class CiServiceTests
{
    private const string ImageFile = "data/train/Coat/0616.png";

    [Test]
    public void OnGitHubActionsWhatTheMatcherMissesBecomesOneWorkflowCommandAndTheSummaryIsAppended()
    {
        using var project = ProjectWithFourErrors();
        string stepSummary = Path.Combine(project.Folder, "step-summary.md");
        File.WriteAllText(stepSummary, "## Earlier in this step\n");

        var build = project.Build(new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_STEP_SUMMARY"] = stepSummary });

        Assert.That(build.ExitCode, Is.Not.Zero, build.ToString());
        var lines = build.Output.Split('\n').Select(l => l.Trim()).ToList();
        var commands = lines.Where(l => l.StartsWith("::", StringComparison.Ordinal)).ToList();
        string image = Path.Combine(project.Folder, ImageFile), data = Path.Combine(project.Folder, GateProject.DataFile);
        Assert.That(commands, Is.EqualTo(new[]
        {
            "::group::SmoothInfo: 3 commands for GitHub Actions",
            $"::error file={image},title=SI1002::likely corrupted",
            $"::error file={data},line=4,col=1,endColumn=6,title=SI1001::sample 3 looks mislabeled",
            $"::error file={project.PolicyFile},title=SI1100::3 findings exceed the overall budget of 0",
            "::endgroup::",
        }), build.ToString());
        // Against MSBuild's real lines: the one without a command is the one the matcher reads, and only that one.
        var matched = build.Diagnostics().Where(SetupDotnetProblemMatcher.Accepts).ToList();
        Assert.That(matched, Is.EqualTo(new[] { $"{data}(3,1): error SI1003: sample 2 looks adversarial [{project.ProjectFile}]" }));
        Assert.That(build.Diagnostics(), Has.Count.EqualTo(4));

        string summary = File.ReadAllText(stepSummary);
        Assert.That(summary, Does.StartWith("## Earlier in this step\n\n## SmoothInfo: failed (3 findings among 3 samples)\n"));
        Assert.That(summary, Does.Contain($"`{Path.Combine(project.Folder, "obj", "smoothinfo")}/smoothinfo-"));
        Assert.That(summary, Does.Contain("/smoothinfo-report.html`"));
    }

    [Test]
    public void OnAzurePipelinesEveryErrorBecomesALogIssueAndTheSummaryIsUploaded()
    {
        using var project = ProjectWithFourErrors();

        var build = project.Build(new Dictionary<string, string> { ["TF_BUILD"] = "True" });

        Assert.That(build.ExitCode, Is.Not.Zero, build.ToString());
        var commands = build.Output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("##", StringComparison.Ordinal)).ToList();
        string data = Path.Combine(project.Folder, GateProject.DataFile);
        Assert.That(commands, Has.Count.EqualTo(7), build.ToString());
        Assert.That(commands[0], Is.EqualTo("##[group]SmoothInfo: 5 commands for Azure Pipelines"));
        Assert.That(commands, Does.Contain($"##vso[task.logissue type=error;sourcepath={data};linenumber=3;columnnumber=1;code=SI1003;]sample 2 looks adversarial"));
        Assert.That(commands, Does.Contain($"##vso[task.logissue type=error;sourcepath={project.PolicyFile};code=SI1100;]3 findings exceed the overall budget of 0"));
        string upload = commands.Single(c => c.StartsWith("##vso[task.uploadsummary]", StringComparison.Ordinal));
        string summaryFile = upload["##vso[task.uploadsummary]".Length..];
        Assert.That(File.ReadAllText(summaryFile), Does.StartWith("## SmoothInfo: failed (3 findings among 3 samples)\n"));
        Assert.That(commands[^1], Is.EqualTo("##[endgroup]"));
    }

    [Test]
    public void DisabledGateWritesNothingForTheCiService()
    {
        using var project = ProjectWithFourErrors();
        string stepSummary = Path.Combine(project.Folder, "step-summary.md");

        var build = project.Build(new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_STEP_SUMMARY"] = stepSummary },
            "-p:SmoothInfoEnabled=false");

        Assert.That(build.ExitCode, Is.Zero, build.ToString());
        Assert.That(build.Output, Does.Not.Contain("::"));
        Assert.That(File.Exists(stepSummary), Is.False);
    }

    [Test]
    public void UpToDateBuildAnnotatesAgainAndTheSummaryNeverShowsAnOlderRunsReport()
    {
        using var project = ProjectWithFourErrors();
        string stepSummary = Path.Combine(project.Folder, "step-summary.md");
        var gitHub = new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_STEP_SUMMARY"] = stepSummary };
        var first = project.Build(gitHub);

        var replay = project.Build(gitHub);

        Assert.That(project.EstimatorCalls(), Has.Count.EqualTo(1), "the second build replays the cached diagnostics");
        Assert.That(Commands(replay), Is.EqualTo(Commands(first)));
        Assert.That(File.ReadAllText(stepSummary).Split("## SmoothInfo: failed (3 findings among 3 samples)").Length - 1, Is.EqualTo(2),
            "each build appends the summary");

        // The policy stops writing the Markdown report: the next run must not show the one the last run left.
        File.Delete(stepSummary);
        project.Expect(FakeScenario.Failed(new { severity = "error", code = "SI1100", message = "over budget" }));
        project.Touch(GateProject.DataFile);
        project.Build(gitHub);

        Assert.That(project.EstimatorCalls(), Has.Count.EqualTo(2));
        string summary = File.ReadAllText(stepSummary);
        Assert.That(summary, Does.StartWith("## SmoothInfo: failed\n\n3 samples checked, 1 flagged\n"));
        Assert.That(summary, Does.Contain("No HTML report"));
    }

    private static List<string> Commands(CommandResult build) =>
        build.Output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("::", StringComparison.Ordinal)).ToList();

    [Test]
    public void OnGitHubActionsAKilledEstimatorIsAnnotatedAtThePolicy()
    {
        using var project = GateProject.ImportingTargets();
        project.Expect(FakeScenario.Dies("kill"));

        var build = project.Build(GitHubActions);

        Assert.That(build.ExitCode, Is.Not.Zero, build.ToString());
        string command = build.Output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("::error", StringComparison.Ordinal));
        Assert.That(command, Does.StartWith($"::error file={project.PolicyFile},title=SI3001::The SmoothInfo estimator was killed by signal 9"));
    }

    [Test]
    public void OnGitHubActionsAPolicyErrorWithALineIsLeftToTheMatcher()
    {
        using var project = GateProject.ImportingTargets();
        project.Write("smoothinfo.yml", GateProject.Policy + "  lable_column: y\n");

        var build = project.Build(GitHubActions);

        Assert.That(build.ExitCode, Is.Not.Zero, build.ToString());
        Assert.That(SetupDotnetProblemMatcher.Accepts(build.Diagnostics().Single()), Is.True, build.ToString());
        Assert.That(build.Output, Does.Not.Contain("::error"));
    }

    private static readonly Dictionary<string, string> GitHubActions = new() { ["GITHUB_ACTIONS"] = "true" };

    /// <summary>An image finding (no line), two CSV findings (a point the matcher reads, a range it does not) and the budget error.</summary>
    private static GateProject ProjectWithFourErrors()
    {
        var project = GateProject.ImportingTargets();
        project.Write(ImageFile, "not really a PNG");
        project.Expect(FakeScenario.Failed(
            new { severity = "error", code = "SI1002", message = "likely corrupted", file = ImageFile },
            new { severity = "error", code = "SI1003", message = "sample 2 looks adversarial", file = GateProject.DataFile, line = 3, column = 1 },
            new { severity = "error", code = "SI1001", message = "sample 3 looks mislabeled", file = GateProject.DataFile, line = 4, column = 1, endLine = 4, endColumn = 6 },
            new { severity = "error", code = "SI1100", message = "3 findings exceed the overall budget of 0" }) with
        {
            Reports = new Dictionary<string, string>
            {
                ["smoothinfo-summary.md"] = "## SmoothInfo: failed (3 findings among 3 samples)\n\n| sample | category | message |\n|---|---|---|\n",
                ["smoothinfo-report.html"] = "<html></html>",
            },
        });
        return project;
    }
}
