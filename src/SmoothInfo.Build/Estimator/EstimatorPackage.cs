using System.Security;

namespace SmoothInfo.Build.Estimator;

/// <summary>
/// One platform's estimator: the RID-specific tool package <c>SmoothInfo.Cli.&lt;rid&gt;</c> that <c>dotnet pack</c> of
/// src/SmoothInfo.Cli writes beside its pointer package, and where NuGet puts its <c>smoothinfo.dll</c>.
/// </summary>
internal sealed record EstimatorPackage(string RuntimeIdentifier, string Version)
{
    public const string PointerPackageId = "SmoothInfo.Cli";

    /// <summary>The tool's target framework: RID-specific tool packages keep it in <c>tools/&lt;tfm&gt;/&lt;rid&gt;/</c>.</summary>
    public const string ToolFramework = "net10.0";

    public string Id => $"{PointerPackageId}.{RuntimeIdentifier}";

    /// <summary>Where the estimator sits inside the package.</summary>
    public string EstimatorPathInPackage => $"tools/{ToolFramework}/{RuntimeIdentifier}/smoothinfo.dll";

    /// <summary>NuGet's global packages folder keeps a package in <c>&lt;lower-case id&gt;/&lt;lower-case version&gt;/</c>.</summary>
    public string FolderIn(string packageRoot) =>
        Path.Combine(packageRoot, Id.ToLowerInvariant(), Version.ToLowerInvariant());

    public string EstimatorIn(string packageRoot) =>
        Path.Combine(FolderIn(packageRoot), EstimatorPathInPackage.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>NuGet writes <c>.nupkg.metadata</c> last when it extracts a package, so its presence means the folder is whole.</summary>
    public bool IsExtractedIn(string packageRoot) => File.Exists(Path.Combine(FolderIn(packageRoot), ".nupkg.metadata"));

    /// <summary>
    /// A project whose restore downloads this package (PackageDownload: no reference, no assets, exact version). A NuGet
    /// package cannot declare it in its own props, which restore never imports (ExcludeRestorePackageImports), so the gate
    /// writes this beside the consumer's obj/ and restores it; found from there, the consumer's nuget.config applies.
    /// The consumer's Directory.Build.* and central package versions are not imported: they belong to the consumer's code.
    /// </summary>
    public string RestoreProject() => $"""
        <Project>
          <!-- Written by SmoothInfo.Build: restores the SmoothInfo estimator for this machine's platform. -->
          <PropertyGroup>
            <ImportDirectoryBuildProps>false</ImportDirectoryBuildProps>
            <ImportDirectoryBuildTargets>false</ImportDirectoryBuildTargets>
            <ImportDirectoryPackagesProps>false</ImportDirectoryPackagesProps>
          </PropertyGroup>
          <Import Project="Sdk.props" Sdk="Microsoft.NET.Sdk" />
          <PropertyGroup>
            <TargetFramework>{ToolFramework}</TargetFramework>
            <NuGetAudit>false</NuGetAudit>
          </PropertyGroup>
          <ItemGroup>
            <PackageDownload Include="{SecurityElement.Escape(Id)}" Version="[{SecurityElement.Escape(Version)}]" />
          </ItemGroup>
          <Import Project="Sdk.targets" Sdk="Microsoft.NET.Sdk" />
        </Project>
        """;
}
