using SmoothInfo.Build.Ci;

namespace SmoothInfo.Build.Tests.Ci;

/// <summary>
/// The task's copy of MSBuild's console line must say what MSBuild really prints, or the decision "the matcher
/// already annotates this one" is wrong. The expected forms were printed by MSBuild 18.9 (dotnet build -tl:off)
/// for the same positions in a diagnostics file; <see cref="CiServiceTests"/> checks them again through a real build.
/// </summary>
public sealed class MSBuildConsoleLineTests
{
    [TestCase(3, 0, 0, 0, "(3)")]
    [TestCase(3, 1, 0, 0, "(3,1)")]
    [TestCase(3, 1, 3, 0, "(3-3,1)")]
    [TestCase(3, 0, 3, 0, "(3-3)")]
    [TestCase(3, 1, 0, 6, "(3,1-6)")]
    [TestCase(3, 1, 3, 6, "(3,1,3,6)")]
    [TestCase(3, 0, 4, 0, "(3-4)")]
    [TestCase(3, 1, 4, 0, "(3-4,1)")]
    public void PositionIsPrintedAsMSBuildPrintsIt(int line, int column, int endLine, int endColumn, string expected) =>
        Assert.That(MSBuildConsoleLine.Position(line, column, endLine, endColumn), Is.EqualTo(expected));

    [Test]
    public void WholeFileDiagnosticHasNoPosition() =>
        Assert.That(MSBuildConsoleLine.Of(CiTestDiagnostics.ImageFinding, CiTestDiagnostics.Project), Is.EqualTo(new[]
        {
            "/repo/data/train/Coat/0616.png : error SI1002: labelled Coat, its input lies far from the subspace: likely corrupted. [/repo/Model.csproj]",
        }));

    [Test]
    public void RangeDiagnosticCarriesItsFourNumbers() =>
        Assert.That(MSBuildConsoleLine.Of(CiTestDiagnostics.CsvRangeFinding, CiTestDiagnostics.Project), Is.EqualTo(new[]
        {
            "/repo/data/train.csv(3,1,3,6): error SI1001: sample 2 looks mislabeled [/repo/Model.csproj]",
        }));

    [Test]
    public void MessageOfSeveralLinesIsOneDiagnosticLinePerMessageLine() =>
        // As MSBuild 18.9 printed "first\nsecond" at (3,1): setup-dotnet's matcher then annotates both lines.
        Assert.That(MSBuildConsoleLine.Of(CiTestDiagnostics.Error("SI1003", "first\r\nsecond", CiTestDiagnostics.Csv, 3, 1), CiTestDiagnostics.Project),
            Is.EqualTo(new[]
            {
                "/repo/data/train.csv(3,1): error SI1003: first [/repo/Model.csproj]",
                "/repo/data/train.csv(3,1): error SI1003: second [/repo/Model.csproj]",
            }));
}
