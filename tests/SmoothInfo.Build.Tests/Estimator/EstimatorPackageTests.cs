using System.Xml.Linq;
using SmoothInfo.Build.Estimator;

namespace SmoothInfo.Build.Tests.Estimator;

/// <summary>Where the estimator of one platform is once NuGet has it, and the project whose restore downloads it.</summary>
public sealed class EstimatorPackageTests
{
    private string _root = "";

    [SetUp]
    public void CreatePackageRoot() => _root = Directory.CreateTempSubdirectory("smoothinfo-packages-").FullName;

    [TearDown]
    public void DeletePackageRoot() => Directory.Delete(_root, recursive: true);

    [TestCase("linux-x64")]
    [TestCase("win-x64")]
    [TestCase("win-arm64")]
    [TestCase("osx-arm64")]
    public void TheEstimatorIsInTheRidFolderOfItsToolPackage(string rid)
    {
        var package = new EstimatorPackage(rid, "0.1.0-Beta.2");
        Assert.That(package.Id, Is.EqualTo($"SmoothInfo.Cli.{rid}"));
        Assert.That(package.EstimatorPathInPackage, Is.EqualTo($"tools/net10.0/{rid}/smoothinfo.dll"));
        // NuGet's global packages folder lower-cases id and version.
        Assert.That(package.EstimatorIn(_root),
            Is.EqualTo(Path.Combine(_root, $"smoothinfo.cli.{rid}", "0.1.0-beta.2", "tools", "net10.0", rid, "smoothinfo.dll")));
    }

    [Test]
    public void APackageCountsAsThereOnlyOnceNuGetHasFinishedExtractingIt()
    {
        var package = new EstimatorPackage("linux-x64", "0.1.0");
        Assert.That(package.IsExtractedIn(_root), Is.False, "nothing there");

        string estimator = package.EstimatorIn(_root);
        Directory.CreateDirectory(Path.GetDirectoryName(estimator)!);
        File.WriteAllText(estimator, "");
        Assert.That(package.IsExtractedIn(_root), Is.False, "files without NuGet's completion marker: an extraction in progress");

        File.WriteAllText(Path.Combine(package.FolderIn(_root), ".nupkg.metadata"), "{}");
        Assert.That(package.IsExtractedIn(_root), Is.True);
    }

    [Test]
    public void TheRestoreProjectDownloadsExactlyThatPackageAndNothingOfTheConsumers()
    {
        var project = XDocument.Parse(new EstimatorPackage("win-arm64", "1.2.3").RestoreProject());

        var download = project.Descendants("PackageDownload").Single();
        Assert.That(download.Attribute("Include")!.Value, Is.EqualTo("SmoothInfo.Cli.win-arm64"));
        Assert.That(download.Attribute("Version")!.Value, Is.EqualTo("[1.2.3]"), "PackageDownload takes an exact version");
        Assert.That(project.Descendants("PackageReference"), Is.Empty);
        Assert.That(project.Descendants("TargetFramework").Single().Value, Is.EqualTo(EstimatorPackage.ToolFramework));
        foreach (string import in new[] { "ImportDirectoryBuildProps", "ImportDirectoryBuildTargets", "ImportDirectoryPackagesProps" })
            Assert.That(project.Descendants(import).Single().Value, Is.EqualTo("false"), import);
    }

    [Test]
    public void AVersionIsEscapedIntoTheRestoreProject()
    {
        // Versions never hold these characters; the project must still be well-formed XML if one did.
        var project = XDocument.Parse(new EstimatorPackage("linux-x64", "1.0.0-a<b&c\"").RestoreProject());
        Assert.That(project.Descendants("PackageDownload").Single().Attribute("Version")!.Value, Is.EqualTo("[1.0.0-a<b&c\"]"));
    }
}
