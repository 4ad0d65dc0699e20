using System.Diagnostics;
using System.Text.Json;

namespace SmoothInfo.Evidence;

/// <summary>The gate's per-sample ranking score (which JSON field it came from), its findings' categories (null: none), and check's wall clock.</summary>
public sealed record GateResult(double[] Score, string ScoreField, string?[] Finding, double Seconds);

/// <summary>
/// Runs the product as a user would: the built `smoothinfo` tool (src/SmoothInfo.Cli's Release output), `init` on the data
/// file with nothing edited, then `check`, and reads the JSON report it leaves. No in-process shortcut, so the numbers
/// include everything a user's defaults do (inferred preprocessing, probe, rules).
/// </summary>
public static class GateRun
{
    /// <param name="withoutKey">A policy line to take out of what init wrote (e.g. "backbone:"), to measure the starter without it.</param>
    public static GateResult Run(string dataFile, string folder, int samples, string? withoutKey = null)
    {
        Directory.CreateDirectory(folder);
        string policy = Path.Combine(folder, "smoothinfo.yml");
        var (initCode, initOutput) = Smoothinfo(folder, "init", "--dataset", dataFile, "--out", policy, "--force");
        if (initCode != 0) throw new InvalidOperationException($"smoothinfo init exited {initCode}:\n{initOutput}");
        if (withoutKey is not null)
            File.WriteAllLines(policy, File.ReadAllLines(policy).Where(line => !line.TrimStart().StartsWith(withoutKey, StringComparison.Ordinal)));
        var watch = Stopwatch.StartNew();
        // --no-cache: a rerun into the same folder must time the estimator, not the cache.
        var (checkCode, checkOutput) = Smoothinfo(folder, "check", "--policy", policy, "--no-cache", "--no-progress");
        double seconds = watch.Elapsed.TotalSeconds;
        File.WriteAllText(Path.Combine(folder, "check-output.txt"), checkOutput);
        if (checkCode is not (0 or 1)) throw new InvalidOperationException($"smoothinfo check exited {checkCode}:\n{checkOutput}");

        string report = Directory.GetFiles(folder, "smoothinfo-report.json", SearchOption.AllDirectories)
            .OrderByDescending(File.GetLastWriteTimeUtc).First();
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var score = new double[samples];
        var finding = new string?[samples];
        string field = "labelSurprise";
        foreach (var s in json.RootElement.GetProperty("samples").EnumerateArray())
        {
            int index = s.GetProperty("index").GetInt32();
            // decision: the gate's own ranking (the largest ratio of a signal to its rule's cut-off); label surprise in reports that lack it.
            if (s.TryGetProperty("decision", out var decision) && decision.ValueKind == JsonValueKind.Number)
                (score[index], field) = (decision.GetDouble(), "decision");
            else score[index] = s.GetProperty("labelSurprise").GetDouble();
            if (s.TryGetProperty("finding", out var category)) finding[index] = category.GetString();
        }
        return new GateResult(score, field, finding, seconds);
    }

    /// <summary>The tool's build output, found from this program's folder upward (the repository holding SmoothInfo.Build.sln).</summary>
    public static string ToolPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SmoothInfo.Build.sln")))
            {
                string tool = Path.Combine(dir.FullName, "src/SmoothInfo.Cli/bin/Release/net10.0/smoothinfo.dll");
                if (!File.Exists(tool)) throw new FileNotFoundException($"{tool} is missing: dotnet build src/SmoothInfo.Cli -c Release");
                return tool;
            }
        throw new DirectoryNotFoundException("no SmoothInfo.Build.sln above " + AppContext.BaseDirectory);
    }

    public static (int Code, string Output) Smoothinfo(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(ToolPath());
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
