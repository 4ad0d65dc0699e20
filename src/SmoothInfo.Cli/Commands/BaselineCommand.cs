using System.CommandLine;
using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;
using SmoothInfo.Rules;

namespace SmoothInfo.Cli.Commands;

/// <summary>
/// `smoothinfo baseline`: accepts today's findings, like analyzer suppressions. Runs the gate and writes every finding
/// to the baseline file (keyed by content hash), so they stop failing the build, with a snapshot of every sample's
/// content and label, so that later only samples a change adds or alters fail it (rules.unchangedSamples).
/// </summary>
public static class BaselineCommand
{
    public static Command Create(TextWriter progressWriter)
    {
        var gate = new GateCommandOptions();
        var output = new Option<FileInfo>("--out") { Description = "the baseline file to write (default: the policy's 'baseline')" };
        var command = new Command("baseline",
            "Accept the current findings: write them to the baseline file so they no longer fail the build.\n\n" +
            "Example:\n  smoothinfo baseline --policy smoothinfo.yml   (with 'baseline: smoothinfo-baseline.json' in the policy)")
        {
            output,
        };
        gate.AddTo(command);
        command.SetAction(parse =>
        {
            string Target(SmoothInfoPolicy policy) => parse.GetValue(output)?.FullName ?? policy.Baseline
                ?? throw new InputException(ErrorCodes.PolicyMissingKey, "the policy names no baseline file and --out is not given, so the findings have nowhere to go.",
                    "add 'baseline: smoothinfo-baseline.json' at the top level of the policy (the build then reads it), or pass --out.",
                    policy.Locations.Of("baseline"));
            var (policy, report) = gate.Run(parse, progressWriter, policy => policy.Reports.Directory, policy => Target(policy), replacesBaseline: true);
            string path = Target(policy);
            Baseline.Write(path, report.Evaluation.Findings, report.SampleKeys);
            parse.InvocationConfiguration.Output.WriteLine(
                $"smoothinfo: accepted {report.Evaluation.Findings.Count} finding{(report.Evaluation.Findings.Count == 1 ? "" : "s")} in {path}");
            return ExitCodes.Success;
        });
        return command;
    }
}
