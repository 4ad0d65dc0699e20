using System.CommandLine;
using SmoothInfo.Gate;
using SmoothInfo.Reports;

namespace SmoothInfo.Cli.Commands;

/// <summary>
/// `smoothinfo check`: the gate. Reads the policy, measures every sample, applies the rules, writes the reports and
/// prints one `file(line,col): error SI1xxx: message` line per finding. Exit 0 when the gate passes, 1 when it fails.
/// </summary>
public static class CheckCommand
{
    public static Command Create(TextWriter progressWriter)
    {
        var gate = new GateCommandOptions();
        var reportDirectory = new Option<DirectoryInfo>("--report-dir") { Description = "where reports go (default: the policy's reports.directory)" };
        var diagnostics = new Option<FileInfo>("--diagnostics") { Description = "also write the build diagnostics as JSON (used by the MSBuild task)" };
        var command = new Command("check",
            "Run the gate: measure how much each training sample informs the policy's network, flag the samples the rules " +
            "catch, write the reports, and fail (exit 1) when a budget is exceeded.\n\nExample:\n  smoothinfo check --policy smoothinfo.yml")
        {
            reportDirectory, diagnostics,
        };
        gate.AddTo(command);
        command.SetAction(parse =>
        {
            var (policy, report) = gate.Run(parse, progressWriter);
            string directory = parse.GetValue(reportDirectory)?.FullName ?? policy.Reports.Directory;
            string root = GateReports.RepositoryRoot(policy.PolicyFile);
            var written = GateReports.Write(report, policy.Reports, directory, root);
            if (parse.GetValue(diagnostics) is { } file) DiagnosticsFile.Write(file.FullName, report, policy.Baseline);
            foreach (var d in DiagnosticsFile.From(report, policy.Baseline))
                parse.InvocationConfiguration.Output.WriteLine(Format(d));
            int open = report.Evaluation.Findings.Count(f => !f.Accepted);
            parse.InvocationConfiguration.Output.WriteLine(
                $"smoothinfo: {(report.Passed ? "passed" : "FAILED")}: {open} open finding{(open == 1 ? "" : "s")} among {report.SampleCount} samples; " +
                $"reports: {string.Join(", ", written)}");
            return report.Passed ? ExitCodes.Success : ExitCodes.GateFailed;
        });
        return command;
    }

    /// <summary>The canonical line IDEs and CI annotate: <c>file(line,col): severity CODE: message</c>.</summary>
    private static string Format(DiagnosticsFile.Diagnostic d)
    {
        string where = d.Line > 0 ? $"{d.File}({d.Line},{Math.Max(1, d.Column)})" : d.File;
        string severity = d.Severity == "message" ? "info" : d.Severity;
        return $"{where}: {severity} {d.Code}: {d.Message}";
    }
}
