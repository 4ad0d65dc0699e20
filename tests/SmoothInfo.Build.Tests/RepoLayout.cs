using System.Reflection;

namespace SmoothInfo.Build.Tests;

/// <summary>Where the pieces under test are, taken from the test assembly's build (same configuration).</summary>
internal static class RepoLayout
{
    public static string RepoRoot { get; } = Metadata("SmoothInfoRepoRoot");
    public static string Configuration { get; } = Metadata("Configuration");

    public static string BuildProject { get; } = Path.Combine(RepoRoot, "src", "SmoothInfo.Build", "SmoothInfo.Build.csproj");

    /// <summary>The props/targets a package consumer gets, used in place (the "without the package" set-up).</summary>
    public static string TargetsFolder { get; } = Path.Combine(RepoRoot, "src", "SmoothInfo.Build", "buildTransitive");

    public static string TaskAssembly { get; } = Output("src", "SmoothInfo.Build", "SmoothInfo.Build.dll");

    public static string FakeEstimator { get; } = Output("tests", "SmoothInfo.Build.FakeEstimator", "SmoothInfo.Build.FakeEstimator.dll");

    private static string Output(string area, string project, string file) =>
        Path.Combine(RepoRoot, area, project, "bin", Configuration, "net10.0", file);

    private static string Metadata(string key) =>
        typeof(RepoLayout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
