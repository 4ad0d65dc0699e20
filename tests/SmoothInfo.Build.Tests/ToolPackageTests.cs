using System.IO.Compression;

namespace SmoothInfo.Build.Tests;

/// <summary>
/// `smoothinfo` as a .NET tool: src/SmoothInfo.Cli packed (a RID-specific tool package for this machine's platform,
/// plus the small pointer package `dotnet tool install` resolves first) and installed offline from a temporary feed
/// with a NuGet config that lists only that feed and a fresh global packages folder. The installed launcher then
/// prints its help and runs a real check, which loads the packed libtorch. Costs about a minute: the package holds
/// ~480 MB of natives and the 64 MB ResNet-18 backbone (576 MB, 197 MB compressed).
/// </summary>
public sealed class ToolPackageTests
{
    private string _root = "";
    private string _feed = "";
    private Dictionary<string, string> _environment = null!;

    private static string CliProject => Path.Combine(RepoLayout.RepoRoot, "src", "SmoothInfo.Cli", "SmoothInfo.Cli.csproj");

    [OneTimeSetUp]
    public void PackToATemporaryFeed()
    {
        _root = Directory.CreateTempSubdirectory("smoothinfo-tool-").FullName;
        _feed = Directory.CreateDirectory(Path.Combine(_root, "feed")).FullName;
        _environment = new() { ["NUGET_PACKAGES"] = Directory.CreateDirectory(Path.Combine(_root, "packages")).FullName };
        // Not --no-build: the RID-specific package is built from a linux-x64 build the solution build does not make.
        var pack = DotnetCli.Run(_root, ["pack", CliProject, "-c", RepoLayout.Configuration, "-o", _feed, "-tl:off", "-nologo"]);
        Assert.That(pack.ExitCode, Is.Zero, pack.ToString());
        File.WriteAllText(Path.Combine(_root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="smoothinfo-test-feed" value="{_feed}" />
              </packageSources>
            </configuration>
            """);
    }

    [OneTimeTearDown]
    public void DeleteFeed() => Directory.Delete(_root, recursive: true);

    [Test]
    public void ThePackageCarriesThisPlatformsLibtorchAndNoOtherPlatformsNatives()
    {
        string package = Directory.GetFiles(_feed, "SmoothInfo.Cli.linux-x64.*.nupkg").Single();
        using var zip = ZipFile.OpenRead(package);
        var files = zip.Entries.Select(e => e.FullName).ToList();
        const string folder = "tools/net10.0/linux-x64/";
        Assert.That(files, Is.SupersetOf(new[] { "libtorch_cpu.so", "libtorch.so", "libc10.so", "libLibTorchSharp.so", "libSkiaSharp.so", "smoothinfo.dll", "DotnetToolSettings.xml" }
            .Select(f => folder + f)));
        Assert.That(files.Where(f => f.EndsWith(".dylib") || f.Contains("runtimes/") || (f.EndsWith(".dll") && Path.GetFileName(f).StartsWith("lib"))),
            Is.Empty, "Windows and macOS natives stay out");
        Assert.That(files.Where(f => f.Contains("libtorch_python") || f.Contains("_test.so")), Is.Empty, "libraries the estimator never loads stay out");
    }

    [Test]
    public void InstallsOfflineFromTheFeedAndRunsACheck()
    {
        string tools = Path.Combine(_root, "tools");
        var install = DotnetCli.Run(_root, ["tool", "install", "SmoothInfo.Cli", "--tool-path", tools, "--configfile", Path.Combine(_root, "nuget.config")], _environment);
        Assert.That(install.ExitCode, Is.Zero, install.ToString());

        string smoothinfo = Path.Combine(tools, "smoothinfo");
        var help = DotnetCli.RunProgram(smoothinfo, _root, ["--help"]);
        Assert.That(help.ExitCode, Is.Zero, help.ToString());
        Assert.That(help.Output, Does.Contain("check").And.Contain("report").And.Contain("baseline"));

        string data = Directory.CreateDirectory(Path.Combine(_root, "data")).FullName;
        File.WriteAllText(Path.Combine(data, "train.csv"), "x,y,label\n" + string.Concat(Enumerable.Range(0, 20).Select(i =>
            FormattableString.Invariant($"{(i % 2) * 4 + i * 0.01},{(i % 2) * 4 - i * 0.01},{(i % 2 == 0 ? "a" : "b")}\n"))));
        File.WriteAllText(Path.Combine(data, "smoothinfo.yml"), """
            version: 1
            dataset: { format: csv, path: train.csv, labelColumn: label }
            model: { probe: { kind: mlp, widths: [8], activation: relu } }
            training: { learningRate: 0.1, steps: inf, weightDecay: 0.001 }
            estimator: { device: cpu }
            reports: { directory: out, formats: [json] }
            """);
        var check = DotnetCli.RunProgram(smoothinfo, data, ["check", "--no-progress"]);
        Assert.That(check.ExitCode, Is.AnyOf(0, 1), check.ToString());
        Assert.That(check.Output, Does.Match("smoothinfo: (passed|FAILED): .* among 20 samples"), check.ToString());
    }
}
