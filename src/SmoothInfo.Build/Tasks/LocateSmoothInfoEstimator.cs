using Microsoft.Build.Framework;
using SmoothInfo.Build.Diagnostics;
using SmoothInfo.Build.Estimator;
using SmoothInfo.Diagnostics;

namespace SmoothInfo.Build.Tasks;

/// <summary>
/// Finds the estimator for the machine that builds, when the gate comes from the SmoothInfo.Build package and
/// SmoothInfoToolPath is not set: the package <c>SmoothInfo.Cli.&lt;rid&gt;</c> for the .NET SDK's platform, in the NuGet
/// packages folder. When it is not there yet, writes the project whose restore downloads it and returns its path, so the
/// targets restore it before the estimator runs. A platform without a package is one SI3004 error at the policy.
/// </summary>
public sealed class LocateSmoothInfoEstimator : CiAnnotatingTask
{
    /// <summary>The policies to check; an unsupported platform is reported once, at the first (none of them can run).</summary>
    [Required]
    public ITaskItem[] Policies { get; set; } = [];

    /// <summary>$(NETCoreSdkRuntimeIdentifier).</summary>
    public string? SdkRuntimeIdentifier { get; set; }

    /// <summary>$(NETCoreSdkPortableRuntimeIdentifier), which wins when set (a source-built SDK's RID is non-portable).</summary>
    public string? PortableSdkRuntimeIdentifier { get; set; }

    /// <summary>The platforms the estimator was packed for, recorded in the package when it was packed.</summary>
    [Required]
    public string[] SupportedRuntimeIdentifiers { get; set; } = [];

    [Required]
    public string Version { get; set; } = "";

    /// <summary>$(NuGetPackageRoot): the global packages folder the consumer restores into.</summary>
    [Required]
    public string PackageRoot { get; set; } = "";

    /// <summary>A folder beside the consumer's obj/ for the restore project (its own obj/ goes below it).</summary>
    [Required]
    public string RestoreFolder { get; set; } = "";

    [Output]
    public string EstimatorPath { get; private set; } = "";

    /// <summary>Empty when the package is already extracted.</summary>
    [Output]
    public string RestoreProject { get; private set; } = "";

    public override bool Execute()
    {
        string? rid = EstimatorPlatform.Resolve(SdkRuntimeIdentifier, PortableSdkRuntimeIdentifier, SupportedRuntimeIdentifiers);
        if (rid is null)
        {
            var ci = AnnotationsForThisBuild();
            DiagnosticLog.LogGateError(Log, ErrorCodes.EstimatorPlatformUnsupported, Policies[0].ItemSpec, UnsupportedPlatformMessage(), ci);
            DiagnosticLog.LogCiCommands(Log, ci);
            return false;
        }

        var package = new EstimatorPackage(rid, Version);
        EstimatorPath = package.EstimatorIn(PackageRoot);
        if (package.IsExtractedIn(PackageRoot)) return true;

        Directory.CreateDirectory(RestoreFolder);
        RestoreProject = Path.Combine(RestoreFolder, "smoothinfo-estimator.csproj");
        string content = package.RestoreProject();
        // Rewritten only when it changes, so a restore that is already up to date stays a no-op.
        if (!File.Exists(RestoreProject) || File.ReadAllText(RestoreProject) != content) File.WriteAllText(RestoreProject, content);
        Log.LogMessage(MessageImportance.High, $"SmoothInfo: downloading the estimator for {rid} ({package.Id} {Version}).");
        return true;
    }

    private string UnsupportedPlatformMessage() =>
        $"The SmoothInfo estimator has no package for this machine's platform, {EstimatorPlatform.Describe(SdkRuntimeIdentifier, PortableSdkRuntimeIdentifier)}: " +
        $"it is packed for {string.Join(", ", SupportedRuntimeIdentifiers)} (the platforms libtorch ships for). " +
        "Fix: run the build that checks the data on one of those (for example in CI), set SmoothInfoToolPath to a smoothinfo.dll " +
        "built for this machine, or skip the check here with -p:SmoothInfoEnabled=false.";
}
