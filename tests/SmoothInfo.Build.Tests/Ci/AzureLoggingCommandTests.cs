using SmoothInfo.Build.Ci;
using SmoothInfo.Build.Diagnostics;

namespace SmoothInfo.Build.Tests.Ci;

/// <summary>The logging commands the gate prints on Azure Pipelines, escaping included.</summary>
public sealed class AzureLoggingCommandTests
{
    [Test]
    public void ImageFindingIsAnIssueAtItsFileWithItsCode() =>
        Assert.That(AzureLoggingCommand.LogIssue(CiTestDiagnostics.ImageFinding), Is.EqualTo(
            "##vso[task.logissue type=error;sourcepath=/repo/data/train/Coat/0616.png;code=SI1002;]" +
            "labelled Coat, its input lies far from the subspace: likely corrupted."));

    [Test]
    public void BudgetErrorIsAnIssueAtThePolicy() =>
        Assert.That(AzureLoggingCommand.LogIssue(CiTestDiagnostics.BudgetError), Is.EqualTo(
            "##vso[task.logissue type=error;sourcepath=/repo/smoothinfo.yml;code=SI1100;]24 findings among 2000 samples exceed the overall budget of 0."));

    [Test]
    public void CsvFindingCarriesLineAndColumn() =>
        Assert.That(AzureLoggingCommand.LogIssue(CiTestDiagnostics.CsvRangeFinding), Is.EqualTo(
            "##vso[task.logissue type=error;sourcepath=/repo/data/train.csv;linenumber=3;columnnumber=1;code=SI1001;]sample 2 looks mislabeled"));

    [Test]
    public void WarningIsAWarningIssue() =>
        Assert.That(AzureLoggingCommand.LogIssue(CiTestDiagnostics.ImageFinding with { Severity = DiagnosticSeverity.Warning }),
            Does.StartWith("##vso[task.logissue type=warning;"));

    [Test]
    public void MessageEscapesPercentAsAzp25AndLineBreaks() =>
        Assert.That(AzureLoggingCommand.EscapeData("100%\r\n]; ok"), Is.EqualTo("100%AZP25%0D%0A]; ok"));

    [Test]
    public void PropertyAlsoEscapesBracketAndSemicolon() =>
        Assert.That(AzureLoggingCommand.EscapeProperty("/d/a;b]c%.png"), Is.EqualTo("/d/a%3Bb%5Dc%AZP25.png"));

    [Test]
    public void EscapingAppliesToPathAndMessageOfAnIssue() =>
        Assert.That(AzureLoggingCommand.LogIssue(CiTestDiagnostics.Error("SI1001", "bad]\nrow;", "/d/a;b].png")),
            Is.EqualTo("##vso[task.logissue type=error;sourcepath=/d/a%3Bb%5D.png;code=SI1001;]bad]%0Arow;"));

    [Test]
    public void SummaryIsUploadedByPath() =>
        Assert.That(AzureLoggingCommand.UploadSummary("/r/obj/smoothinfo/p-1/smoothinfo-ci-summary.md"),
            Is.EqualTo("##vso[task.uploadsummary]/r/obj/smoothinfo/p-1/smoothinfo-ci-summary.md"));

    [Test]
    public void GroupFoldsTheCommandsInTheLog()
    {
        Assert.That(AzureLoggingCommand.Group("SmoothInfo: 2 commands"), Is.EqualTo("##[group]SmoothInfo: 2 commands"));
        Assert.That(AzureLoggingCommand.EndGroup(), Is.EqualTo("##[endgroup]"));
    }
}
