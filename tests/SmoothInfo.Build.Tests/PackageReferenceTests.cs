using System.IO.Compression;
using System.Xml.Linq;

namespace SmoothInfo.Build.Tests;

/// <summary>
/// The gate as users get it: SmoothInfo.Build packed to a temporary feed and restored by PackageReference.
/// The estimator packages are not packed here (Packages/ packs them all, with libtorch, and runs the real one),
/// so the project points SmoothInfoToolPath at the fake. Restore uses a NuGet config with the feed mapped to
/// SmoothInfo.Build only, plus nuget.org for everything else (nothing else is needed), and a fresh global
/// packages folder so a re-packed package is never served from the user's cache.
/// </summary>
public sealed class PackageReferenceTests
{
    private string _root = "";
    private string _feed = "";
    private string _package = "";
    private Dictionary<string, string> _restoreEnvironment = null!;

    [OneTimeSetUp]
    public void PackToATemporaryFeed()
    {
        _root = Directory.CreateTempSubdirectory("smoothinfo-feed-").FullName;
        _feed = Directory.CreateDirectory(Path.Combine(_root, "feed")).FullName;
        _restoreEnvironment = new() { ["NUGET_PACKAGES"] = Directory.CreateDirectory(Path.Combine(_root, "packages")).FullName };
        var pack = DotnetCli.Run(_root, ["pack", RepoLayout.BuildProject, "--no-build", "-c", RepoLayout.Configuration,
            "-o", _feed, "-tl:off", "-nologo"]);
        Assert.That(pack.ExitCode, Is.Zero, pack.ToString());
        _package = Directory.GetFiles(_feed, "SmoothInfo.Build.*.nupkg").Single();
    }

    [OneTimeTearDown]
    public void DeleteFeed() => Directory.Delete(_root, recursive: true);

    [Test]
    public void PackageCarriesTheTargetsAndTheTaskWithItsDependenciesAndNothingElse()
    {
        using var zip = ZipFile.OpenRead(_package);
        var files = zip.Entries.Select(e => e.FullName)
            .Where(f => !f.StartsWith("package/") && !f.StartsWith("_rels/") && f != "[Content_Types].xml" && !f.EndsWith(".nuspec"))
            .Order(StringComparer.Ordinal);
        Assert.That(files, Is.EqualTo(new[]
        {
            "build/SmoothInfo.Build.props", "build/SmoothInfo.Build.targets",
            "buildTransitive/SmoothInfo.Build.Estimator.props", "buildTransitive/SmoothInfo.Build.props", "buildTransitive/SmoothInfo.Build.targets",
            "tasks/net10.0/SmoothInfo.Build.deps.json", "tasks/net10.0/SmoothInfo.Build.dll",
            "tasks/net10.0/SmoothInfo.Policy.dll", "tasks/net10.0/YamlDotNet.dll",
        }));
        using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open());
        string manifest = nuspec.ReadToEnd();
        Assert.That(manifest, Does.Contain("<developmentDependency>true</developmentDependency>"));
        Assert.That(manifest, Does.Not.Contain("<dependency "), "the task's dependencies ship inside the package");
    }

    [Test]
    public void ProjectReferencingThePackageFailsOnBadDataAndReplaysOnTheNoOpRebuild()
    {
        string version = Path.GetFileNameWithoutExtension(_package)["SmoothInfo.Build.".Length..];
        using var project = GateProject.ReferencingPackage(version, NuGetConfig());
        project.Expect(FakeScenario.Failed(FakeScenario.Diagnostic("error", "SI1001", "sample 2 looks mislabeled", GateProject.DataFile, 3, 1)));

        var first = project.Build(_restoreEnvironment);
        var second = project.Build(_restoreEnvironment);

        string expected = $"{Path.Combine(project.Folder, GateProject.DataFile)}(3,1,3,6): error SI1001: sample 2 looks mislabeled [{project.ProjectFile}]";
        Assert.That(first.ExitCode, Is.Not.Zero, first.ToString());
        Assert.That(first.Diagnostics(), Is.EqualTo(new[] { expected }), first.ToString());
        Assert.That(second.Diagnostics(), Is.EqualTo(new[] { expected }), second.ToString());
        Assert.That(project.EstimatorCalls(), Has.Count.EqualTo(1));
        Assert.That(Directory.Exists(Path.Combine(_restoreEnvironment["NUGET_PACKAGES"], "smoothinfo.build", version)), "restored from the temporary feed");
    }

    [Test]
    public void TheEstimatorsVersionAndPlatformsAreRecordedInThePackage()
    {
        using var zip = ZipFile.OpenRead(_package);
        using var props = zip.Entries.Single(e => e.FullName == "buildTransitive/SmoothInfo.Build.Estimator.props").Open();
        var properties = XDocument.Load(props).Descendants("PropertyGroup").Single().Elements().ToDictionary(e => e.Name.LocalName, e => e.Value);
        string version = Path.GetFileNameWithoutExtension(_package)["SmoothInfo.Build.".Length..];
        Assert.That(properties, Is.EqualTo(new Dictionary<string, string>
        {
            ["_SmoothInfoEstimatorVersion"] = version,
            ["_SmoothInfoEstimatorRuntimeIdentifiers"] = "linux-x64;win-x64;win-arm64;osx-arm64",
        }));
    }

    [Test]
    public void APlatformWithoutAnEstimatorPackageIsOneErrorAtThePolicyAndDownloadsNothing()
    {
        string version = Path.GetFileNameWithoutExtension(_package)["SmoothInfo.Build.".Length..];
        using var project = GateProject.ReferencingPackage(version, NuGetConfig(), packagedEstimator: true);

        // What the .NET SDK on Linux on ARM reports about itself: libtorch has no build for it.
        var build = project.Build(_restoreEnvironment, "-p:NETCoreSdkRuntimeIdentifier=linux-arm64", "-p:NETCoreSdkPortableRuntimeIdentifier=linux-arm64");

        Assert.That(build.ExitCode, Is.Not.Zero, build.ToString());
        Assert.That(build.Diagnostics(), Has.Count.EqualTo(1), build.ToString());
        Assert.That(build.Diagnostics().Single(), Does.StartWith($"{project.PolicyFile} : error SI3004: The SmoothInfo estimator has no package for this machine's platform, linux-arm64: it is packed for linux-x64, win-x64, win-arm64, osx-arm64")
            .And.Contain("Fix: ").And.Contain("SmoothInfoToolPath").And.Contain("-p:SmoothInfoEnabled=false"));
        Assert.That(build.Output, Does.Not.Contain("error MSB").And.Not.Contain("error NU"));
        Assert.That(Directory.Exists(Path.Combine(project.Folder, "obj", "smoothinfo-estimator")), Is.False, "no restore was attempted");
    }

    private string NuGetConfig() => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="smoothinfo-test-feed" value="{_feed}" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
          <packageSourceMapping>
            <packageSource key="smoothinfo-test-feed"><package pattern="SmoothInfo.Build" /></packageSource>
            <packageSource key="nuget.org"><package pattern="*" /></packageSource>
          </packageSourceMapping>
        </configuration>
        """;
}
