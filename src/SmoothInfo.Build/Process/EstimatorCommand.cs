namespace SmoothInfo.Build.Process;

/// <summary>
/// The command line of the child contract (docs/msbuild.md):
/// <c>dotnet smoothinfo.dll check --policy P --report-dir D --diagnostics F [--device cpu|cuda|auto] [--no-progress]</c>.
/// A tool path ending in .dll runs on the same dotnet host as MSBuild; anything else (an apphost, a script) runs directly.
/// </summary>
internal sealed record EstimatorCommand(string FileName, IReadOnlyList<string> Arguments)
{
    public static EstimatorCommand Check(string toolPath, string policyFile, string reportDirectory, string diagnosticsFile,
        string? device, bool showProgress)
    {
        var arguments = new List<string>();
        string fileName = toolPath;
        if (toolPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            fileName = DotnetHost();
            arguments.Add(toolPath);
        }
        arguments.AddRange(["check", "--policy", policyFile, "--report-dir", reportDirectory, "--diagnostics", diagnosticsFile]);
        if (!string.IsNullOrEmpty(device)) arguments.AddRange(["--device", device]);
        if (!showProgress) arguments.Add("--no-progress");
        return new EstimatorCommand(fileName, arguments);
    }

    /// <summary>For the build log: quoted where needed so it can be pasted into a shell.</summary>
    public override string ToString() =>
        string.Join(" ", new[] { FileName }.Concat(Arguments).Select(a => a.Contains(' ') || a.Length == 0 ? $"\"{a}\"" : a));

    /// <summary>The dotnet executable running this build (the SDK sets DOTNET_HOST_PATH for tasks), else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
}
