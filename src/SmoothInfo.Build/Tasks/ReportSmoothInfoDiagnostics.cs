using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SmoothInfo.Build.Diagnostics;
using SmoothInfo.Diagnostics;

namespace SmoothInfo.Build.Tasks;

/// <summary>
/// Logs each policy's cached diagnostics file as build errors, warnings and messages. It runs on every
/// build, also when the estimator was skipped because nothing changed, so an up-to-date build reports
/// the same diagnostics as the run that produced them and a failing gate keeps failing until fixed.
/// </summary>
public sealed class ReportSmoothInfoDiagnostics : Microsoft.Build.Utilities.Task
{
    /// <summary>The ReadSmoothInfoPolicy output: policy files with DiagnosticsFile and ReportDirectory metadata.</summary>
    [Required]
    public ITaskItem[] Policies { get; set; } = [];

    /// <summary>SmoothInfoSeverity items: code in Include, Severity = error, warning, message or none.</summary>
    public ITaskItem[] SeverityOverrides { get; set; } = [];

    /// <summary>Log the gate's warnings as errors (codes named in SeverityOverrides keep their chosen severity).</summary>
    public bool TreatWarningsAsErrors { get; set; }

    public override bool Execute()
    {
        var overrides = Diagnostics.SeverityOverrides.Parse(SeverityOverrides, TreatWarningsAsErrors, Log);
        if (Log.HasLoggedErrors) return false;
        foreach (var policy in Policies) Report(policy, overrides);
        return !Log.HasLoggedErrors;
    }

    private void Report(ITaskItem policy, SeverityOverrides overrides)
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
            Log.LogError(null, ErrorCodes.EstimatorProcessFailed, null, policyFile, 0, 0, 0, 0,
                $"The cached SmoothInfo diagnostics {diagnosticsFile} cannot be used ({e.Message}); it was deleted, build again to re-run the check.");
            return;
        }

        Log.LogMessage(MessageImportance.High,
            $"SmoothInfo {(report.Passed ? "passed" : "failed")}: {report.Summary} (policy {policyFile}; reports in {policy.GetMetadata("ReportDirectory")})");
        foreach (var diagnostic in report.Diagnostics) DiagnosticLog.Log(Log, diagnostic, policyFile, overrides);

        if (!report.Passed && !report.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            Log.LogError(null, ErrorCodes.GateFailedWithoutError, null, policyFile, 0, 0, 0, 0,
                $"The SmoothInfo gate failed without naming an error: {report.Summary}");
    }
}
