using System.CommandLine;
using SmoothInfo.Gate;
using SmoothInfo.Policy.Loading;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reports;

namespace SmoothInfo.Cli.Commands;

/// <summary>
/// `smoothinfo check`: the gate. Reads the policy, measures every sample, applies the rules, writes the reports and
/// prints one `file(line,col): error SI1xxx: message` line per finding. Exit 0 when the gate passes, 1 when it fails.
/// The estimator's output is cached in the report folder (<see cref="EstimatorCache"/>) and reused while its inputs
/// are unchanged.
/// </summary>
public static class CheckCommand
{
    public static Command Create(TextWriter progressWriter)
    {
        var gate = new GateCommandOptions();
        var reportDirectory = new Option<DirectoryInfo>("--report-dir") { Description = "where reports go (default: the policy's reports.directory)" };
        var diagnostics = new Option<FileInfo>("--diagnostics") { Description = "also write the build diagnostics as JSON (used by the MSBuild task)" };
        var workers = new Option<int>("--workers")
        {
            Description = "run the linear probe's estimator as this many local processes ('smoothinfo shard' stages, docs/sharding.md); " +
                "the same verdict as one process; the estimator cache is neither read nor written",
            DefaultValueFactory = _ => 1,
        };
        workers.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError("--workers must be at least 1.");
        });
        var command = new Command("check",
            "Run the gate: measure how much each training sample informs the policy's network, flag the samples the rules " +
            "catch, write the reports, and fail (exit 1) when a budget is exceeded.\n\n" +
            $"The estimator's output is kept in <report folder>/{EstimatorCache.FileName} and reused while the policy's dataset, model, " +
            "training and estimator settings, the data, the weights and the tool are unchanged; editing rules, budgets or the baseline " +
            "never re-runs it.\n\nExit codes: 0 passed, 1 gate failed, 2 usage or input error, 3 internal failure.\n\n" +
            "Example:\n  smoothinfo check --policy smoothinfo.yml")
        {
            reportDirectory, diagnostics, workers,
        };
        gate.AddTo(command);
        command.SetAction(parse =>
        {
            string Directory(SmoothInfoPolicy policy) => parse.GetValue(reportDirectory)?.FullName ?? policy.Reports.Directory;
            if (parse.GetValue(workers) > 1)
            {
                var sharded = PolicyLoader.Load(parse.GetValue(gate.Policy)!.FullName);
                var (verdict, failed) = LocalShardWorkers.Run(sharded, parse.GetValue(workers), Directory(sharded), parse.GetValue(gate.Device),
                    parse.InvocationConfiguration.Error);
                return verdict is null ? failed : Publish(parse, sharded, verdict, Directory(sharded), parse.GetValue(diagnostics));
            }
            var (policy, report) = gate.Run(parse, progressWriter, Directory);
            return Publish(parse, policy, report, Directory(policy), parse.GetValue(diagnostics));
        });
        return command;
    }

    /// <summary>
    /// What `check` and `report` do with a verdict: write the reports (and the build's diagnostics file when asked),
    /// print one line per diagnostic and a summary, and return the gate's exit code.
    /// </summary>
    internal static int Publish(ParseResult parse, SmoothInfoPolicy policy, GateReport report, string directory, FileInfo? diagnosticsFile)
    {
        var output = parse.InvocationConfiguration.Output;
        var written = GateReports.Write(report, policy.Reports, directory, GateReports.RepositoryRoot(policy.PolicyFile));
        if (diagnosticsFile is not null) DiagnosticsFile.Write(diagnosticsFile.FullName, report, policy.Baseline);
        foreach (var d in DiagnosticsFile.From(report, policy.Baseline)) output.WriteLine(Format(d));
        int open = report.Evaluation.OpenFindings.Count;
        output.WriteLine(
            $"smoothinfo: {(report.Passed ? "passed" : "FAILED")}: {open} open finding{(open == 1 ? "" : "s")} among {report.SampleCount} samples; " +
            $"reports: {string.Join(", ", written)}");
        return report.Passed ? ExitCodes.Success : ExitCodes.GateFailed;
    }

    /// <summary>The canonical line IDEs and CI annotate: <c>file(line,col): severity CODE: message</c>.</summary>
    private static string Format(DiagnosticsFile.Diagnostic d)
    {
        string where = d.Line > 0 ? $"{d.File}({d.Line},{Math.Max(1, d.Column)})" : d.File;
        string severity = d.Severity == "message" ? "info" : d.Severity;
        return $"{where}: {severity} {d.Code}: {d.Message}";
    }
}
