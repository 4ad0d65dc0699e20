using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SmoothInfo.Build.Diagnostics;
using SmoothInfo.Build.Policies;
using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Loading;

namespace SmoothInfo.Build.Tasks;

/// <summary>
/// Reads and validates every policy before anything expensive runs, so a bad policy fails the build in
/// milliseconds with its file, line and column and the estimator is never started. For each good policy
/// it returns the files the gate depends on and where its reports and cached diagnostics go.
/// </summary>
public sealed class ReadSmoothInfoPolicy : CiAnnotatingTask
{
    [Required]
    public ITaskItem[] Policies { get; set; } = [];

    [Required]
    public string ReportDirectory { get; set; } = "";

    /// <summary>
    /// One item per policy (its full path) with metadata ReportDirectory, DiagnosticsFile and InputFiles
    /// (the policy, dataset, labels, weights and baseline, escaped and joined by ';' for a target's Inputs).
    /// </summary>
    [Output]
    public ITaskItem[] ResolvedPolicies { get; private set; } = [];

    public override bool Execute()
    {
        var ci = AnnotationsForThisBuild();
        var resolved = new List<ITaskItem>();
        foreach (var item in Policies)
        {
            string policyFile = item.GetMetadata("FullPath");
            try
            {
                var policy = PolicyLoader.Load(policyFile);
                string reportFolder = PolicyReportFolder.For(ReportDirectory, policyFile);
                var resolvedItem = new TaskItem(policyFile);
                resolvedItem.SetMetadata("ReportDirectory", MSBuildEscaping.Escape(reportFolder));
                resolvedItem.SetMetadata("DiagnosticsFile", MSBuildEscaping.Escape(Path.Combine(reportFolder, PolicyReportFolder.DiagnosticsFileName)));
                resolvedItem.SetMetadata("InputFiles", MSBuildEscaping.JoinEscaped(PolicyInputFiles.Of(policy)));
                resolved.Add(resolvedItem);
            }
            catch (PolicyValidationException e)
            {
                foreach (var error in e.Errors) DiagnosticLog.LogInputError(Log, error, policyFile, ci);
            }
        }
        DiagnosticLog.LogCiCommands(Log, ci);
        ResolvedPolicies = resolved.ToArray();
        return !Log.HasLoggedErrors;
    }
}
