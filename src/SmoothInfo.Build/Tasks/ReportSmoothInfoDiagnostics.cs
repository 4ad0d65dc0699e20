using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SmoothInfo.Build.Ci;
using SmoothInfo.Build.Diagnostics;
using SmoothInfo.Build.Policies;
using SmoothInfo.Diagnostics;

namespace SmoothInfo.Build.Tasks;

/// <summary>
/// Logs each policy's cached diagnostics file as build errors, warnings and messages. It runs on every
/// build, also when the estimator was skipped because nothing changed, so an up-to-date build reports
/// the same diagnostics as the run that produced them and a failing gate keeps failing until fixed.
/// On a CI service it also annotates them there and puts the Markdown summary where the service shows it.
/// </summary>
public sealed class ReportSmoothInfoDiagnostics : CiAnnotatingTask
{
    /// <summary>The ReadSmoothInfoPolicy output: policy files with DiagnosticsFile and ReportDirectory metadata.</summary>
    [Required]
    public ITaskItem[] Policies { get; set; } = [];

    /// <summary>SmoothInfoSeverity items: code in Include, Severity = error, warning, message or none.</summary>
    public ITaskItem[] SeverityOverrides { get; set; } = [];

    /// <summary>Log the gate's warnings as errors (codes named in SeverityOverrides keep their chosen severity).</summary>
    public bool TreatWarningsAsErrors { get; set; }

    /// <summary>The environment's GITHUB_STEP_SUMMARY, passed in by the targets.</summary>
    public string? GitHubStepSummary { get; set; }

    public override bool Execute()
    {
        var overrides = Diagnostics.SeverityOverrides.Parse(SeverityOverrides, TreatWarningsAsErrors, Log);
        var service = CiServiceSetting.Parse(CiService, GitHubActions, AzurePipelines);
        if (service is null)
            Log.LogError(null, ErrorCodes.GateMisconfigured, null, null, 0, 0, 0, 0,
                $"SmoothInfoCiService is '{CiService}'; use auto, github, azure or none.");
        if (Log.HasLoggedErrors) return false;

        var ci = service == Ci.CiService.None ? null : new CiAnnotations(service!.Value, BuildEngine.ProjectFileOfTaskNode);
        foreach (var policy in Policies) Report(policy, overrides, ci);
        DiagnosticLog.LogCiCommands(Log, ci);
        return !Log.HasLoggedErrors;
    }

    private void Report(ITaskItem policy, SeverityOverrides overrides, CiAnnotations? ci)
    {
        string policyFile = policy.ItemSpec;
        string diagnosticsFile = policy.GetMetadata("DiagnosticsFile");
        // No file: the estimator run failed and has already said why (SI3001).
        if (!File.Exists(diagnosticsFile)) return;
        EstimatorReport report;
        try
        {
            report = EstimatorReportFile.Read(diagnosticsFile);
        }
        catch (InvalidDataException e)
        {
            File.Delete(diagnosticsFile);
            DiagnosticLog.LogGateError(Log, ErrorCodes.EstimatorProcessFailed, policyFile,
                $"The cached SmoothInfo diagnostics {diagnosticsFile} cannot be used ({e.Message}); it was deleted, build again to re-run the check.", ci);
            return;
        }

        Log.LogMessage(MessageImportance.High,
            $"SmoothInfo {(report.Passed ? "passed" : "failed")}: {report.Summary} (policy {policyFile}; reports in {policy.GetMetadata("ReportDirectory")})");
        foreach (var diagnostic in report.Diagnostics) DiagnosticLog.Log(Log, diagnostic, policyFile, overrides, ci);

        if (!report.Passed && !report.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            DiagnosticLog.LogGateError(Log, ErrorCodes.GateFailedWithoutError, policyFile, $"The SmoothInfo gate failed without naming an error: {report.Summary}", ci);

        if (ci is not null) PublishSummary(policyFile, policy.GetMetadata("ReportDirectory"), report, ci);
    }

    /// <summary>
    /// GitHub: appended to the step summary file. Azure: written beside the reports and attached with uploadsummary.
    /// A summary that cannot be written is said in the log but does not fail the build: the findings already did.
    /// </summary>
    private void PublishSummary(string policyFile, string reportFolder, EstimatorReport report, CiAnnotations ci)
    {
        string markdownFile = Path.Combine(reportFolder, PolicyReportFolder.MarkdownReportFileName);
        string htmlFile = Path.Combine(reportFolder, PolicyReportFolder.HtmlReportFileName);
        try
        {
            string? markdown = File.Exists(markdownFile) ? File.ReadAllText(markdownFile) : null;
            string? html = File.Exists(htmlFile) ? htmlFile : null;
            string Compose(int maxBytes) => CiSummary.Compose(markdown, report.Passed, report.Summary, policyFile, html, maxBytes);
            switch (ci.Service)
            {
                case Ci.CiService.GitHubActions when !string.IsNullOrEmpty(GitHubStepSummary):
                    if (!CiSummary.AppendToGitHubStepSummary(GitHubStepSummary, Compose))
                        Log.LogMessage(MessageImportance.High, $"SmoothInfo: the step summary is full ({CiSummary.MaxBytes / 1024} KiB); the summary of {policyFile} was left out.");
                    break;
                case Ci.CiService.AzurePipelines:
                    string summaryFile = Path.Combine(reportFolder, CiSummary.AzureSummaryFileName);
                    File.WriteAllText(summaryFile, Compose(CiSummary.MaxBytes));
                    ci.UploadSummary(summaryFile);
                    break;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.LogMessage(MessageImportance.High, $"SmoothInfo: the CI summary of {policyFile} could not be written ({e.Message}).");
        }
    }
}
