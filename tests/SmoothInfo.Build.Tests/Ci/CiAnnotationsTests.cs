using SmoothInfo.Build.Ci;
using SmoothInfo.Build.Diagnostics;
using static SmoothInfo.Build.Tests.Ci.CiTestDiagnostics;

namespace SmoothInfo.Build.Tests.Ci;

/// <summary>Which diagnostics get a command on each service, and the block they are printed in.</summary>
public sealed class CiAnnotationsTests
{
    [Test]
    public void OnGitHubOnlyWhatTheMatcherMissesGetsAWorkflowCommand()
    {
        var ci = new CiAnnotations(CiService.GitHubActions, Project);
        foreach (var d in new[] { ImageFinding, CsvPointFinding, CsvRangeFinding, BudgetError }) ci.Add(d);

        Assert.That(ci.Block()!.Split('\n'), Is.EqualTo(new[]
        {
            "::group::SmoothInfo: 3 commands for GitHub Actions",
            GitHubWorkflowCommand.Annotation(ImageFinding),
            GitHubWorkflowCommand.Annotation(CsvRangeFinding),
            GitHubWorkflowCommand.Annotation(BudgetError),
            "::endgroup::",
        }));
    }

    /// <summary>The property the issue asks for: on GitHub each error or warning becomes exactly one annotation.</summary>
    [Test]
    public void OnGitHubEveryErrorAndWarningIsAnnotatedExactlyOnce()
    {
        int[] values = [0, 1, 3, 6];
        foreach (var severity in new[] { DiagnosticSeverity.Error, DiagnosticSeverity.Warning })
        foreach (int line in values) foreach (int column in values) foreach (int endLine in values) foreach (int endColumn in values)
        {
            var d = Error("SI1001", "m", Csv, line, line == 0 ? 0 : column, line == 0 ? 0 : endLine, line == 0 ? 0 : endColumn) with { Severity = severity };
            var ci = new CiAnnotations(CiService.GitHubActions, Project);
            ci.Add(d);
            string printed = MSBuildConsoleLine.Of(d, Project).Single();
            bool byMatcher = SetupDotnetProblemMatcher.Accepts(printed);
            bool byCommand = ci.Block() is not null;
            Assert.That(byMatcher ^ byCommand, Is.True, $"{severity} at {printed}");
        }
    }

    [Test]
    public void OnAzureEveryErrorAndWarningGetsALogIssue()
    {
        var ci = new CiAnnotations(CiService.AzurePipelines, Project);
        foreach (var d in new[] { ImageFinding, CsvPointFinding, BudgetError }) ci.Add(d);
        ci.UploadSummary("/repo/obj/smoothinfo/s-1/smoothinfo-ci-summary.md");

        Assert.That(ci.Block()!.Split('\n'), Is.EqualTo(new[]
        {
            "##[group]SmoothInfo: 4 commands for Azure Pipelines",
            AzureLoggingCommand.LogIssue(ImageFinding),
            AzureLoggingCommand.LogIssue(CsvPointFinding),
            AzureLoggingCommand.LogIssue(BudgetError),
            "##vso[task.uploadsummary]/repo/obj/smoothinfo/s-1/smoothinfo-ci-summary.md",
            "##[endgroup]",
        }));
    }

    [Test]
    public void OnGitHubAMessageOfSeveralLinesAtALineIsLeftToTheMatcher()
    {
        // MSBuild prints one matcher-readable line per message line; a command on top would annotate it again.
        var ci = new CiAnnotations(CiService.GitHubActions, Project);
        ci.Add(Error("SI1003", "first\nsecond", Csv, 3, 1));
        Assert.That(ci.Block(), Is.Null);
    }

    [Test]
    public void MessagesAreNotAnnotated()
    {
        foreach (var service in new[] { CiService.GitHubActions, CiService.AzurePipelines })
        {
            var ci = new CiAnnotations(service, Project);
            ci.Add(ImageFinding with { Severity = DiagnosticSeverity.Message });
            Assert.That(ci.Block(), Is.Null, service.ToString());
        }
    }

    [Test]
    public void GitHubGetsNoUploadSummaryCommand()
    {
        var ci = new CiAnnotations(CiService.GitHubActions, Project);
        ci.UploadSummary("/repo/summary.md");
        Assert.That(ci.Block(), Is.Null);
    }
}
