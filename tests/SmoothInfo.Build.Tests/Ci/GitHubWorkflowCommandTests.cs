using SmoothInfo.Build.Ci;
using SmoothInfo.Build.Diagnostics;

namespace SmoothInfo.Build.Tests.Ci;

/// <summary>The workflow commands the gate prints on GitHub Actions, escaping included.</summary>
public sealed class GitHubWorkflowCommandTests
{
    [Test]
    public void ImageFindingIsAnErrorAtItsFileTitledWithItsCode() =>
        Assert.That(GitHubWorkflowCommand.Annotation(CiTestDiagnostics.ImageFinding), Is.EqualTo(
            "::error file=/repo/data/train/Coat/0616.png,title=SI1002::labelled Coat, its input lies far from the subspace: likely corrupted."));

    [Test]
    public void BudgetErrorIsAnErrorAtThePolicy() =>
        Assert.That(GitHubWorkflowCommand.Annotation(CiTestDiagnostics.BudgetError), Is.EqualTo(
            "::error file=/repo/smoothinfo.yml,title=SI1100::24 findings among 2000 samples exceed the overall budget of 0."));

    [Test]
    public void RangeOnOneLineKeepsLineAndColumns() =>
        Assert.That(GitHubWorkflowCommand.Annotation(CiTestDiagnostics.CsvRangeFinding), Is.EqualTo(
            "::error file=/repo/data/train.csv,line=3,col=1,endColumn=6,title=SI1001::sample 2 looks mislabeled"));

    [Test]
    public void RangeOverSeveralLinesKeepsTheLinesOnly() =>
        // The runner drops columns when line and endLine differ; sending them would only earn a debug message.
        Assert.That(GitHubWorkflowCommand.Annotation(CiTestDiagnostics.Error("SI1001", "m", CiTestDiagnostics.Csv, 3, 1, 5, 2)),
            Is.EqualTo("::error file=/repo/data/train.csv,line=3,endLine=5,title=SI1001::m"));

    [Test]
    public void WarningIsAWarningCommand() =>
        Assert.That(GitHubWorkflowCommand.Annotation(CiTestDiagnostics.ImageFinding with { Severity = DiagnosticSeverity.Warning }),
            Does.StartWith("::warning file=/repo/data/train/Coat/0616.png,title=SI1002::"));

    [Test]
    public void MessageEscapesPercentAndLineBreaksButNotColonsOrCommas() =>
        Assert.That(GitHubWorkflowCommand.EscapeData("100% sure:\r\nyes, really"), Is.EqualTo("100%25 sure:%0D%0Ayes, really"));

    [Test]
    public void PropertyAlsoEscapesColonsAndCommas() =>
        Assert.That(GitHubWorkflowCommand.EscapeProperty("C:\\data\\a,b%\n.png"), Is.EqualTo("C%3A\\data\\a%2Cb%25%0A.png"));

    [Test]
    public void EscapingAppliesToFileTitleAndMessageOfAnAnnotation() =>
        Assert.That(GitHubWorkflowCommand.Annotation(CiTestDiagnostics.Error("SI1001", "50%\nof it", "/repo/a,b:c.png")),
            Is.EqualTo("::error file=/repo/a%2Cb%3Ac.png,title=SI1001::50%25%0Aof it"));

    [Test]
    public void GroupFoldsTheCommandsInTheLog()
    {
        Assert.That(GitHubWorkflowCommand.Group("SmoothInfo: 2 commands"), Is.EqualTo("::group::SmoothInfo: 2 commands"));
        Assert.That(GitHubWorkflowCommand.EndGroup(), Is.EqualTo("::endgroup::"));
    }
}
