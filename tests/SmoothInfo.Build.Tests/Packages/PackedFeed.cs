using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace SmoothInfo.Build.Tests.Packages;

/// <summary>
/// What `dotnet pack` makes on Linux, packed once for every test in this namespace into one temporary feed: SmoothInfo.Cli
/// (the pointer package and one RID-specific package per platform, each with that platform's libtorch) and SmoothInfo.Build.
/// Restores read a NuGet config that lists only this feed and a fresh global packages folder, so they are offline and
/// can only find these packages. Costs about 3 minutes here, most of it compressing four platforms' natives (1.8 GB).
/// </summary>
[SetUpFixture]
public sealed class PackedFeed
{
    private static readonly TimeSpan PackLimit = TimeSpan.FromMinutes(15);

    public static string Root { get; private set; } = "";
    public static string Feed => Path.Combine(Root, "feed");
    public static string NuGetConfigFile => Path.Combine(Root, "nuget.config");
    public static string PackagesFolder => Path.Combine(Root, "packages");
    public static IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = PackagesFolder };
    public static string Version { get; private set; } = "";

    public static string NuGetConfig => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="smoothinfo-test-feed" value="{Feed}" />
          </packageSources>
        </configuration>
        """;

    [OneTimeSetUp]
    public void PackEverything()
    {
        Root = Directory.CreateTempSubdirectory("smoothinfo-packages-").FullName;
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(PackagesFolder);
        File.WriteAllText(NuGetConfigFile, NuGetConfig);
        // Not --no-build: the RID-specific packages are built from per-platform builds the solution build does not make.
        Pack(Path.Combine(RepoLayout.RepoRoot, "src", "SmoothInfo.Cli", "SmoothInfo.Cli.csproj"));
        Pack(RepoLayout.BuildProject, "--no-build");
        Version = Path.GetFileNameWithoutExtension(Package("SmoothInfo.Build"))["SmoothInfo.Build.".Length..];
    }

    [OneTimeTearDown]
    public void DeleteFeed() => Directory.Delete(Root, recursive: true);

    /// <summary>What runs a packed estimator runs here only: the natives of the other platforms cannot load on this machine.</summary>
    public static void AssumeThisMachineIsLinuxX64() =>
        Assume.That(RuntimeInformation.RuntimeIdentifier, Is.EqualTo("linux-x64"), "the packed natives that can load here are linux-x64's");

    /// <summary>The one package file with this id (SmoothInfo.Cli is not SmoothInfo.Cli.linux-x64).</summary>
    public static string Package(string id) =>
        Directory.GetFiles(Feed, "*.nupkg").Single(f => Regex.IsMatch(Path.GetFileName(f), $@"^{Regex.Escape(id)}\.\d+\.\d+\.\d+.*\.nupkg$"));

    private static void Pack(string project, params string[] options)
    {
        var pack = DotnetCli.Run(Root, ["pack", project, "-c", RepoLayout.Configuration, "-o", Feed, "-tl:off", "-nologo", .. options], limit: PackLimit);
        Assert.That(pack.ExitCode, Is.Zero, pack.ToString());
        TestContext.Progress.WriteLine($"dotnet pack {Path.GetFileName(project)}: {pack.Elapsed.TotalSeconds:0} s");
    }
}
