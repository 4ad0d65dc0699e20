using System.CommandLine;
using System.Globalization;
using SmoothInfo.Diagnostics;
using SmoothInfo.Gate;
using SmoothInfo.Policy.Loading;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reports;

namespace SmoothInfo.Cli.Commands;

/// <summary>
/// `smoothinfo report`: the reports again from a saved smoothinfo-report.json, without the estimator. The saved
/// signals are judged by the current policy's rules, budgets and baseline and written in its report formats, so
/// changing a threshold or accepting findings shows its effect in seconds. It cannot notice changed data or estimator
/// settings (it reads neither the data nor the network): for those, `check` measures again.
/// </summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var policyOption = new Option<FileInfo>("--policy")
        {
            Description = "the policy whose rules, baseline and report formats apply (default: smoothinfo.yml in the current folder)",
            DefaultValueFactory = _ => new FileInfo("smoothinfo.yml"),
        };
        var from = new Option<FileInfo>("--from") { Description = "the saved report to start from (default: smoothinfo-report.json in the report folder)" };
        var reportDirectory = new Option<DirectoryInfo>("--report-dir") { Description = "where reports go (default: the policy's reports.directory)" };
        var diagnostics = new Option<FileInfo>("--diagnostics") { Description = "also write the build diagnostics as JSON, as `check` does" };
        var command = new Command("report",
            "Write the reports again from the smoothinfo-report.json a `check` saved, without running the estimator: every " +
            "sample's saved signals are judged by the policy's current rules, budgets and baseline, and the policy's report " +
            "formats (json, sarif, html, markdown) are written. Use it after changing thresholds or the baseline.\n\n" +
            "It reads neither the data nor the network, so it cannot see edits to them; it refuses a report measured with " +
            "another dataset path or sigma than the policy names, or without the F-SI that rules.score asks for. Run `smoothinfo check` after changing data or estimator settings.\n\n" +
            "Exit codes: 0 passed, 1 gate failed, 2 usage or input error (e.g. no saved report, or not one this policy can use).\n\n" +
            "Example:\n  smoothinfo check --policy smoothinfo.yml            # measures and saves artifacts/smoothinfo/smoothinfo-report.json\n" +
            "  (edit rules.mislabeled.threshold in smoothinfo.yml)\n" +
            "  smoothinfo report --policy smoothinfo.yml           # re-judges the saved signals in a second")
        {
            policyOption, from, reportDirectory, diagnostics,
        };
        command.SetAction(parse =>
        {
            var policy = PolicyLoader.Load(parse.GetValue(policyOption)!.FullName);
            string directory = parse.GetValue(reportDirectory)?.FullName ?? policy.Reports.Directory;
            string source = parse.GetValue(from)?.FullName ?? Path.Combine(directory, ReportFileNames.Of(ReportFormat.Json));
            var saved = SavedReport.Read(source);
            Mismatch(source, "dataset", saved.DatasetPath, policy.Dataset.Path);
            if (policy.Rules.Score == ScoreSignal.FunctionalSi && saved.Output.Signals.Any(s => double.IsNaN(s.FunctionalSI)))
                Mismatch(source, "measures", "no functional-si", "rules.score functional-si");
            Mismatch(source, "sigma", saved.Sigma.ToString("R", CultureInfo.InvariantCulture), policy.Estimator.Sigma.ToString("R", CultureInfo.InvariantCulture));
            // Thumbnails travel in the saved report; a sample flagged only under the new rules has none to show.
            var report = GatePipeline.Evaluate(policy, saved.ToolVersion, saved.DatasetPath, saved.Samples, saved.Output,
                _ => saved.Thumbnails);
            return CheckCommand.Publish(parse, policy, report, directory, parse.GetValue(diagnostics));
        });
        return command;
    }

    private static void Mismatch(string source, string what, string saved, string policy)
    {
        if (saved != policy)
            throw new InputException(ErrorCodes.ReportDoesNotMatchPolicy,
                $"the saved report was measured with {what} '{saved}', but the policy now says '{policy}'; its signals do not answer this policy.",
                "run `smoothinfo check` to measure again.", new SourceLocation(source));
    }
}
