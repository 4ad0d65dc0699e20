using System.Diagnostics;
using SmoothInfo.Gate.Shards;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reports;
using SmoothInfo.Runtime;

namespace SmoothInfo.Cli.Commands;

/// <summary>
/// `smoothinfo check --workers N`: the stages of `smoothinfo shard` on this machine, each per-shard stage as N child
/// processes of this same tool (exactly the commands a CI matrix runs), the merging stages and the verdict in this process.
/// The files go to a fresh folder under the report folder, removed afterwards.
/// </summary>
internal static class LocalShardWorkers
{
    /// <summary>The verdict, or the exit code of the first child that failed (its stderr passed on).</summary>
    public static (GateReport? Report, int ExitCode) Run(SmoothInfoPolicy policy, int workers, string reportDirectory, string? device, TextWriter stderr)
    {
        string directory = Path.Combine(reportDirectory, $".smoothinfo-shards-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        try
        {
            return ShardedLinearProbe.Run(policy, directory, device is null ? null : Devices.Resolve(device), probe =>
            {
                var stages = new (ShardStage? PerShard, Action? Merged)[]
                {
                    (ShardStage.Stats, null), (null, () => probe.Merge(workers)), (ShardStage.Errors, null),
                    (null, () => probe.Choose(workers)), (ShardStage.Score, null),
                };
                foreach (var (perShard, merged) in stages)
                {
                    if (merged is not null) merged();
                    else if (RunChildren(perShard!.Value, policy.PolicyFile, workers, directory, device, stderr) is { } failed) return ((GateReport?)null, failed);
                }
                return (probe.Judge(workers), ExitCodes.Success);
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The stage on every shard at once; null when every child succeeded, else the first failure's exit code.</summary>
    private static int? RunChildren(ShardStage stage, string policyFile, int workers, string directory, string? device, TextWriter stderr)
    {
        var children = Enumerable.Range(1, workers).Select(index =>
        {
            var arguments = new List<string> { "shard", stage.Name(), "--policy", policyFile, "--shard", $"{index}/{workers}", "--dir", directory };
            if (device is not null) arguments.AddRange(new[] { "--device", device });
            var start = ToolProcess.StartInfo(arguments);
            // N processes share the machine's cores; the user's OMP_NUM_THREADS, when set, is theirs to keep.
            if (Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null)
                start.Environment["OMP_NUM_THREADS"] = Math.Max(1, Environment.ProcessorCount / workers).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEndAsync();
            return (process, error, output);
        }).ToList();
        int? failed = null;
        foreach (var (process, error, output) in children)
        {
            process.WaitForExit();
            output.Wait();
            if (process.ExitCode != 0 && failed is null)
            {
                stderr.Write(error.Result);
                failed = process.ExitCode;
            }
            process.Dispose();
        }
        return failed;
    }
}
