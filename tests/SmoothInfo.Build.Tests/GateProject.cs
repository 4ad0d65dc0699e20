using System.Text.Json;

namespace SmoothInfo.Build.Tests;

/// <summary>
/// A temporary SDK project that uses the gate: smoothinfo.yml beside the project, a small CSV dataset
/// and a fake estimator told what to do by <see cref="FakeScenario"/>. Two ways to get the gate: import the
/// repository's props/targets in place, or reference the SmoothInfo.Build package from a feed.
/// </summary>
internal sealed class GateProject : IDisposable
{
    public const string Policy = "version: 1\ndataset:\n  format: csv\n  path: data/train.csv\n";
    public const string DataFile = "data/train.csv";

    private static readonly JsonSerializerOptions ScenarioJson = new(JsonSerializerDefaults.Web);

    private GateProject(string folder) => Folder = folder;

    public string Folder { get; }
    public string ProjectFile => Path.Combine(Folder, "Gated.csproj");
    public string PolicyFile => Path.Combine(Folder, "smoothinfo.yml");
    private string CallsFile => Path.Combine(Folder, "fake-estimator.calls");

    /// <summary>The development set-up: the repository's props/targets imported directly, the built task assembly.</summary>
    public static GateProject ImportingTargets(string extraProperties = "", string extraItems = "")
    {
        var project = CreateFolder();
        project.Write("Gated.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Import Project="{RepoLayout.TargetsFolder}/SmoothInfo.Build.props" />
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <SmoothInfoTaskAssembly>{RepoLayout.TaskAssembly}</SmoothInfoTaskAssembly>
                <SmoothInfoToolPath>{RepoLayout.FakeEstimator}</SmoothInfoToolPath>
                {extraProperties}
              </PropertyGroup>
              <ItemGroup>
                {extraItems}
              </ItemGroup>
              <Import Project="{RepoLayout.TargetsFolder}/SmoothInfo.Build.targets" />
            </Project>
            """);
        return project;
    }

    /// <summary>A consumer's set-up: a PackageReference restored from a NuGet config next to the project.</summary>
    /// <param name="packagedEstimator">Use the estimator package the gate downloads, as a user would, instead of the fake.</param>
    public static GateProject ReferencingPackage(string version, string nugetConfig, bool packagedEstimator = false)
    {
        var project = CreateFolder();
        project.Write("nuget.config", nugetConfig);
        string toolPath = packagedEstimator ? "" : $"<SmoothInfoToolPath>{RepoLayout.FakeEstimator}</SmoothInfoToolPath>";
        project.Write("Gated.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                {toolPath}
                <!-- The vulnerability audit would query nuget.org; it is not what these tests are about. -->
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SmoothInfo.Build" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        return project;
    }

    public void Write(string relativePath, string text)
    {
        string path = Path.Combine(Folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public void Expect(FakeScenario scenario) => Write("fake-estimator.json", JsonSerializer.Serialize(scenario, ScenarioJson));

    /// <summary>One entry per estimator run: the arguments it got.</summary>
    public IReadOnlyList<string> EstimatorCalls() => File.Exists(CallsFile) ? File.ReadAllLines(CallsFile) : [];

    public CommandResult Build(params string[] arguments) => Build(null, arguments);

    public CommandResult Build(IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        DotnetCli.Run(Folder, ["build", ProjectFile, "-tl:off", "-nologo", .. arguments], environment);

    /// <summary>Makes a file newer than anything the last build wrote, as an edit would.</summary>
    public void Touch(string relativePath) => File.SetLastWriteTimeUtc(Path.Combine(Folder, relativePath), DateTime.UtcNow);

    public void Dispose()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
            TestContext.Out.WriteLine($"Kept for inspection: {Folder}");
        else
            Directory.Delete(Folder, recursive: true);
    }

    private static GateProject CreateFolder()
    {
        var project = new GateProject(Directory.CreateTempSubdirectory("smoothinfo-gate-").FullName);
        project.Write("Class.cs", "namespace Gated; public static class Marker { }\n");
        project.Write(DataFile, "x,label\n0.1,cat\n0.2,dog\n0.3,cat\n");
        project.Write("smoothinfo.yml", Policy);
        return project;
    }
}
