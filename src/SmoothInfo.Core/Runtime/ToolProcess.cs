using System.Diagnostics;

namespace SmoothInfo.Runtime;

/// <summary>
/// This tool's command line started as a child process: `dotnet smoothinfo.dll ...` from the folder that holds
/// SmoothInfo.Core (the tool's own folder, or a test's output, which references the tool). Work that can take the whole
/// process down (a native library calling std::terminate) runs there, so the parent can report it as an input error.
/// </summary>
public static class ToolProcess
{
    public const string ToolAssembly = "smoothinfo.dll";

    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        string tool = Path.Combine(AppContext.BaseDirectory, ToolAssembly);
        if (!File.Exists(tool))
            throw new InvalidOperationException($"{ToolAssembly} is not beside SmoothInfo.Core in {AppContext.BaseDirectory}: the tool is not installed whole.");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(tool);
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        return start;
    }

    /// <summary>The dotnet host running this process when it is one (the CLI and test hosts), else the one on PATH.</summary>
    private static string DotnetHost()
    {
        string? current = Environment.ProcessPath;
        bool isDotnet = current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        if (isDotnet) return current!;
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
