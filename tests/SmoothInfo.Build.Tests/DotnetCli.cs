using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace SmoothInfo.Build.Tests;

/// <summary>The outcome of one dotnet command: exit code, everything it printed, and how long it took.</summary>
internal sealed partial record CommandResult(int ExitCode, string Output, TimeSpan Elapsed)
{
    /// <summary>Output lines without the "1>" node prefix MSBuild adds at normal verbosity.</summary>
    public IReadOnlyList<string> Lines =>
        Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(l => NodePrefix().Replace(l, "")).ToList();

    /// <summary>Distinct error and warning lines with the given code (MSBuild repeats them in its summary).</summary>
    public IReadOnlyList<string> Diagnostics(string codePrefix = "SI") =>
        Lines.Where(l => l.Contains($": error {codePrefix}") || l.Contains($": warning {codePrefix}")).Distinct().ToList();

    [GeneratedRegex(@"^\d+>")]
    private static partial Regex NodePrefix();

    public override string ToString() => $"exit code {ExitCode} after {Elapsed.TotalSeconds:0.0} s\n{Output}";
}

/// <summary>
/// Runs the dotnet CLI as a user would, in a clean environment: no MSBuild variables inherited from the
/// `dotnet test` that runs us, no node reuse (so no build process outlives a test or locks the task DLL).
/// </summary>
internal static class DotnetCli
{
    private static readonly TimeSpan DefaultLimit = TimeSpan.FromMinutes(4);

    /// <param name="limit">Longer than the default only for what is slow by nature (packing every platform's libtorch).</param>
    public static CommandResult Run(string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? limit = null) =>
        RunProgram("dotnet", workingDirectory, arguments, environment, limit);

    /// <summary>Any program (e.g. an installed tool's launcher) in the same clean environment.</summary>
    public static CommandResult RunProgram(string program, string workingDirectory, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? limit = null)
    {
        var timeLimit = limit ?? DefaultLimit;
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        // When the suite itself runs on a CI service, the builds under test must not annotate it or write its summary.
        foreach (string name in new[] { "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "TF_BUILD" }) start.Environment.Remove(name);
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        var output = new StringBuilder();
        using var process = new System.Diagnostics.Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeLimit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', arguments)} did not finish within {timeLimit}: a hang.\n{output}");
        }
        process.WaitForExit();
        return new CommandResult(process.ExitCode, output.ToString(), clock.Elapsed);
    }
}
