namespace SmoothInfo.Build.Estimator;

/// <summary>
/// Which of the estimator's per-platform packages serves the machine that builds. The .NET SDK names its own platform
/// in <c>$(NETCoreSdkRuntimeIdentifier)</c>; a distribution's source-built SDK reports a non-portable one there
/// (<c>ubuntu.24.04-x64</c>) and the portable one in <c>$(NETCoreSdkPortableRuntimeIdentifier)</c>, as NativeAOT's
/// compiler package resolves its host. The estimator runs on the same dotnet as MSBuild, so the SDK's platform is
/// the estimator's.
/// </summary>
internal static class EstimatorPlatform
{
    /// <returns>The supported runtime identifier for this SDK, or null when no estimator package is built for it.</returns>
    public static string? Resolve(string? sdkRuntimeIdentifier, string? portableSdkRuntimeIdentifier, IReadOnlyCollection<string> supported)
    {
        string? host = string.IsNullOrWhiteSpace(portableSdkRuntimeIdentifier) ? sdkRuntimeIdentifier : portableSdkRuntimeIdentifier;
        return supported.FirstOrDefault(rid => string.Equals(rid, host?.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The platform the SDK reports, as a person would look it up (the non-portable name when there is one).</summary>
    public static string Describe(string? sdkRuntimeIdentifier, string? portableSdkRuntimeIdentifier) =>
        (sdkRuntimeIdentifier, portableSdkRuntimeIdentifier) switch
        {
            ({ Length: > 0 } sdk, { Length: > 0 } portable) when !string.Equals(sdk, portable, StringComparison.OrdinalIgnoreCase) => $"{sdk} ({portable})",
            ({ Length: > 0 } sdk, _) => sdk,
            (_, { Length: > 0 } portable) => portable,
            _ => "unknown (the .NET SDK named no runtime identifier)",
        };
}
