using System.Reflection;

namespace SmoothInfo.Tests.Docs;

/// <summary>The repository this test assembly was built from.</summary>
internal static class Repository
{
    public static string Root { get; } = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "SmoothInfoRepoRoot").Value!;

    public static string Read(params string[] path) => File.ReadAllText(Path.Combine(new[] { Root }.Concat(path).ToArray()));
}
