using System.CommandLine;
using SmoothInfo.Gate.Shards;
using SmoothInfo.Policy.Loading;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Cli.Commands;

/// <summary>
/// `smoothinfo shard STAGE`: the linear probe's gate split into stages that separate machines run (a CI job matrix,
/// Kubernetes Jobs, a Slurm array), exchanging files in one folder (<see cref="ShardedLinearProbe"/>, docs/sharding.md):
/// stats, errors and score once per shard (--shard I/N), merge, choose and judge once (--shards N). `judge` reports and
/// exits as `check` does.
/// </summary>
public static class ShardCommand
{
    public static Command Create()
    {
        var command = new Command("shard",
            "Run the gate across machines: each stage reads the policy and the data, computes its shard's part, and writes a file " +
            "into --dir; the next stage reads them. Order: stats (per shard), merge, errors (per shard), choose, score (per shard), " +
            "judge. For 'model.probe.kind: linear' on features as read; 'smoothinfo check --workers N' runs the same stages locally.\n\n" +
            "Example (4 shards; the per-shard stages can run on 4 machines sharing or exchanging the folder):\n" +
            "  smoothinfo shard stats --shard 1/4 --dir shards   (and 2/4, 3/4, 4/4)\n  smoothinfo shard merge --shards 4 --dir shards\n" +
            "  smoothinfo shard errors --shard 1/4 --dir shards  (...)\n  smoothinfo shard choose --shards 4 --dir shards\n" +
            "  smoothinfo shard score --shard 1/4 --dir shards   (...)\n  smoothinfo shard judge --shards 4 --dir shards");
        foreach (var stage in ShardStages.PerShard) command.Subcommands.Add(PerShard(stage));
        command.Subcommands.Add(Merged("merge", "Add the shards' statistics and decompose them once (after 'stats' on every shard).", probe => probe.Merge));
        command.Subcommands.Add(Merged("choose", "Choose the weight decay on the shards' summed leave-one-out errors (after 'errors' on every shard).", probe => probe.Choose));
        command.Subcommands.Add(Judge());
        return command;
    }

    /// <summary>The options every stage takes.</summary>
    private sealed class StageOptions
    {
        public Option<FileInfo> Policy { get; } = new("--policy")
        {
            Description = "the policy file (default: smoothinfo.yml in the current folder); every stage must use the same one",
            DefaultValueFactory = _ => new FileInfo("smoothinfo.yml"),
        };

        public Option<DirectoryInfo> Directory { get; } = new("--dir") { Description = "the folder the stages exchange their files in", Required = true };

        public Option<string> Device { get; } = new("--device") { Description = "cpu, cuda or auto (default: the policy's estimator.device); the same for every stage" };

        public StageOptions(Command command)
        {
            Device.AcceptOnlyFromAmong("cpu", "cuda", "auto");
            command.Options.Add(Policy);
            command.Options.Add(Directory);
            command.Options.Add(Device);
        }

        public T Run<T>(ParseResult parse, Func<ShardedLinearProbe, T> stage) => Run(parse, (_, probe) => stage(probe));

        public T Run<T>(ParseResult parse, Func<SmoothInfoPolicy, ShardedLinearProbe, T> stage)
        {
            var policy = PolicyLoader.Load(parse.GetValue(Policy)!.FullName);
            var device = parse.GetValue(Device) is { } name ? Devices.Resolve(name) : null;
            return ShardedLinearProbe.Run(policy, parse.GetValue(Directory)!.FullName, device, probe => stage(policy, probe));
        }
    }

    private static Option<int> ShardCount() => new("--shards") { Description = "how many shards the per-shard stages ran with", Required = true };

    private static Command PerShard(ShardStage stage)
    {
        var shard = new Option<string>("--shard") { Description = "INDEX/COUNT, e.g. 2/4 (INDEX from 1, as CI matrices count)", Required = true };
        var command = new Command(stage.Name(), stage switch
        {
            ShardStage.Stats => "Sum Phi^T Phi and Phi^T r over this shard's samples.",
            ShardStage.Errors => "This shard's leave-one-out errors on the weight-decay grid (after 'merge').",
            _ => "Measure this shard's samples at the chosen weight decay (after 'choose').",
        }) { shard };
        var options = new StageOptions(command);
        command.SetAction(parse =>
        {
            var range = ShardRange.Parse(parse.GetValue(shard)!);
            string written = options.Run(parse, probe => stage switch
            {
                ShardStage.Stats => probe.Stats(range),
                ShardStage.Errors => probe.Errors(range),
                _ => probe.Score(range),
            });
            parse.InvocationConfiguration.Output.WriteLine($"smoothinfo: shard {range} {stage.Name()}: wrote {written}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Merged(string name, string description, Func<ShardedLinearProbe, Func<int, string>> stage)
    {
        var shards = ShardCount();
        var command = new Command(name, description) { shards };
        var options = new StageOptions(command);
        command.SetAction(parse =>
        {
            string written = options.Run(parse, probe => stage(probe)(parse.GetValue(shards)));
            parse.InvocationConfiguration.Output.WriteLine($"smoothinfo: shard {name}: wrote {written}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Judge()
    {
        var shards = ShardCount();
        var reportDirectory = new Option<DirectoryInfo>("--report-dir") { Description = "where reports go (default: the policy's reports.directory)" };
        var diagnostics = new Option<FileInfo>("--diagnostics") { Description = "also write the build diagnostics as JSON" };
        var command = new Command("judge",
            "Put the shards' measurements together and run the gate's rules: the same reports, diagnostics and exit code as " +
            "'smoothinfo check' (after 'score' on every shard).\n\nExit codes: 0 passed, 1 gate failed, 2 usage or input error, 3 internal failure.")
        {
            shards, reportDirectory, diagnostics,
        };
        var options = new StageOptions(command);
        command.SetAction(parse => options.Run(parse, (policy, probe) => CheckCommand.Publish(parse, policy, probe.Judge(parse.GetValue(shards)),
            parse.GetValue(reportDirectory)?.FullName ?? policy.Reports.Directory, parse.GetValue(diagnostics))));
        return command;
    }
}
