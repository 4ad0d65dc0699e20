namespace SmoothInfo.Build.Ci;

/// <summary>The CI service the gate reports to, beyond the build log: annotations and a job summary.</summary>
internal enum CiService { None, GitHubActions, AzurePipelines }

internal static class CiServiceSetting
{
    /// <summary>
    /// Reads <c>SmoothInfoCiService</c>: <c>auto</c> (or empty) detects the service from the variables each one sets
    /// on its runners (<c>GITHUB_ACTIONS=true</c>, <c>TF_BUILD=True</c>); <c>github</c>, <c>azure</c> and <c>none</c>
    /// choose. Null for anything else, which the caller reports as a misconfiguration.
    /// </summary>
    public static CiService? Parse(string? setting, string? gitHubActions, string? tfBuild) =>
        (setting ?? "").Trim().ToLowerInvariant() switch
        {
            "" or "auto" => Detect(gitHubActions, tfBuild),
            "github" => CiService.GitHubActions,
            "azure" => CiService.AzurePipelines,
            "none" => CiService.None,
            _ => null,
        };

    private static CiService Detect(string? gitHubActions, string? tfBuild)
    {
        if (string.Equals(gitHubActions, "true", StringComparison.OrdinalIgnoreCase)) return CiService.GitHubActions;
        if (string.Equals(tfBuild, "true", StringComparison.OrdinalIgnoreCase)) return CiService.AzurePipelines;
        return CiService.None;
    }
}
