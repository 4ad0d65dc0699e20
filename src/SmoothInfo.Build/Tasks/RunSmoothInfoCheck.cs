using System.ComponentModel;
using System.Text.RegularExpressions;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SmoothInfo.Build.Ci;
using SmoothInfo.Build.Diagnostics;
using SmoothInfo.Build.Policies;
using SmoothInfo.Build.Process;
using SmoothInfo.Diagnostics;

namespace SmoothInfo.Build.Tasks;

/// <summary>
/// Runs `smoothinfo check` for one policy and keeps its diagnostics file when the run produced a result
/// (exit 0, 1 or 2 with a valid file). Logging the diagnostics is <see cref="ReportSmoothInfoDiagnostics"/>'s
/// job, so a fresh run and a replay of the cached file print exactly the same lines. Any other ending (crash,
/// signal, timeout, exit 3, missing or unreadable file) becomes one SI3001 error and leaves no cache behind,
/// so the next build tries again.
/// </summary>
public sealed partial class RunSmoothInfoCheck : CiAnnotatingTask, ICancelableTask
{
    private const int OutputLinesKept = 5;

    private readonly EstimatorProcess _process = new();
    private readonly Queue<string> _lastOutputLines = new();
    private CiAnnotations? _ci;

    [Required]
    public string PolicyFile { get; set; } = "";

    [Required]
    public string ReportDirectory { get; set; } = "";

    [Required]
    public string DiagnosticsFile { get; set; } = "";

    /// <summary>The estimator: smoothinfo.dll (run with dotnet) or any executable honouring the same contract.</summary>
    public string? EstimatorPath { get; set; }

    /// <summary>cpu, cuda or auto; empty lets the policy decide.</summary>
    public string? Device { get; set; }

    public bool ShowProgress { get; set; } = true;

    /// <summary>Milliseconds; 0 waits as long as it takes.</summary>
    public int Timeout { get; set; }

    public void Cancel() => _process.Cancel();

    public override bool Execute()
    {
        _ci = AnnotationsForThisBuild();
        try
        {
            return Run();
        }
        finally
        {
            DiagnosticLog.LogCiCommands(Log, _ci);
        }
    }

    private bool Run()
    {
        if (!ValidateSettings()) return false;
        DeleteDiagnosticsFile();
        DeleteReportsTheCiSummaryReads();
        Directory.CreateDirectory(ReportDirectory);

        var command = EstimatorCommand.Check(Path.GetFullPath(EstimatorPath!), PolicyFile, ReportDirectory, DiagnosticsFile, Device, ShowProgress);
        Log.LogMessage(MessageImportance.Normal, $"SmoothInfo: {command}");
        EstimatorExit exit;
        try
        {
            exit = _process.Run(command, Timeout, LogOutputLine);
        }
        catch (Win32Exception e)
        {
            LogProcessFailure($"could not be started ({command.FileName}: {e.Message})");
            return false;
        }

        if (!exit.IsResult)
        {
            LogProcessFailure($"{exit.Describe(Timeout)} after {exit.Elapsed.TotalSeconds:0.0} s", ChildErrorsIfAny());
            DeleteDiagnosticsFile();
            return false;
        }
        if (!File.Exists(DiagnosticsFile))
        {
            LogProcessFailure($"{exit.Describe(Timeout)} without writing its diagnostics file {DiagnosticsFile}");
            return false;
        }
        try
        {
            var report = EstimatorReportFile.Read(DiagnosticsFile);
            if (report.Passed != (exit.ExitCode == EstimatorExit.Passed))
                throw new InvalidDataException($"its outcome '{(report.Passed ? "passed" : "failed")}' contradicts exit code {exit.ExitCode}");
        }
        catch (InvalidDataException e)
        {
            LogProcessFailure($"{exit.Describe(Timeout)} and wrote a diagnostics file that cannot be used: {e.Message}");
            DeleteDiagnosticsFile();
            return false;
        }
        return true;
    }

    private bool ValidateSettings()
    {
        if (string.IsNullOrEmpty(EstimatorPath))
            Misconfigured("no estimator tool: the props/targets imported in place (not from the SmoothInfo.Build package, which " +
                          "downloads the estimator for this platform) need SmoothInfoToolPath set to smoothinfo.dll.");
        else if (!File.Exists(EstimatorPath))
            Misconfigured($"the estimator tool '{EstimatorPath}' does not exist. Check SmoothInfoToolPath.");
        if (!string.IsNullOrEmpty(Device) && Device is not ("cpu" or "cuda" or "auto"))
            Misconfigured($"SmoothInfoDevice is '{Device}'; use cpu, cuda or auto (or leave it empty to use the policy's device).");
        if (Timeout < 0)
            Misconfigured($"SmoothInfoTimeout is {Timeout}; use a number of milliseconds, or 0 for no limit.");
        return !Log.HasLoggedErrors;
    }

    private void Misconfigured(string message) =>
        DiagnosticLog.LogGateError(Log, ErrorCodes.GateMisconfigured, PolicyFile, message, _ci);

    /// <summary>
    /// Progress lines (`smoothinfo: stage (NN%)`) are shown at normal verbosity; anything else (libtorch
    /// writes warnings to stderr) only in detailed logs. The last few lines go into a failure message:
    /// they say at which stage and why the process died.
    /// </summary>
    private void LogOutputLine(string line)
    {
        Log.LogMessage(ProgressLine().IsMatch(line) ? MessageImportance.Normal : MessageImportance.Low, line);
        if (string.IsNullOrWhiteSpace(line)) return;
        if (_lastOutputLines.Count == OutputLinesKept) _lastOutputLines.Dequeue();
        _lastOutputLines.Enqueue(line.Trim());
    }

    /// <summary>After exit code 3 the estimator may still have written its own error (SI3000) to the file: show it.</summary>
    private string? ChildErrorsIfAny()
    {
        try
        {
            if (!File.Exists(DiagnosticsFile)) return null;
            var errors = EstimatorReportFile.Read(DiagnosticsFile).Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            return errors.Count == 0 ? null : string.Join(" ", errors.Select(e => $"{e.Code}: {e.Message}"));
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return null;
        }
    }

    private void LogProcessFailure(string whatHappened, string? details = null)
    {
        string output = details ?? (_lastOutputLines.Count > 0 ? "Last output: " + string.Join(" | ", _lastOutputLines) : "It printed nothing");
        DiagnosticLog.LogGateError(Log, ErrorCodes.EstimatorProcessFailed, PolicyFile,
            $"The SmoothInfo estimator {whatHappened}. {output.TrimEnd('.')}. The gate could not decide; nothing was cached, the next build runs it again.", _ci);
    }

    private void DeleteDiagnosticsFile()
    {
        if (File.Exists(DiagnosticsFile)) File.Delete(DiagnosticsFile);
    }

    /// <summary>
    /// A policy that stops asking for the Markdown or HTML report leaves the last ones behind; deleting them
    /// before the run means the CI summary only ever shows reports of the run whose diagnostics it replays.
    /// </summary>
    private void DeleteReportsTheCiSummaryReads()
    {
        foreach (string name in new[] { PolicyReportFolder.MarkdownReportFileName, PolicyReportFolder.HtmlReportFileName })
        {
            string path = Path.Combine(ReportDirectory, name);
            if (File.Exists(path)) File.Delete(path);
        }
    }

    [GeneratedRegex(@"^smoothinfo: .+ \(\d{1,3}%\)\s*$")]
    private static partial Regex ProgressLine();
}
