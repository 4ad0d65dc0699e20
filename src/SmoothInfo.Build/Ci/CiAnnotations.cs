using SmoothInfo.Build.Diagnostics;

namespace SmoothInfo.Build.Ci;

/// <summary>
/// The lines that turn the gate's diagnostics into annotations on the CI service, collected while MSBuild logs
/// the diagnostics themselves and printed afterwards as one block (<see cref="Block"/>).
/// <list type="bullet">
/// <item>GitHub Actions: setup-dotnet's problem matcher already annotates MSBuild's own line when it has the form
/// the matcher accepts (a <c>(line)</c> or <c>(line,col)</c> position); only the others (a whole file such as an image,
/// the budget error in the policy, a range <c>(3,1,3,6)</c>) get a workflow command, so no diagnostic is annotated twice
/// (a message of several lines is printed, and annotated by the matcher, once per line).</item>
/// <item>Azure Pipelines: nothing reads MSBuild's lines in a script step, so every diagnostic gets a logissue command.</item>
/// </list>
/// Messages (severity message) are not annotated: they are not findings. The runner shows each command as an
/// error or warning line of its own; the block sits in a folded group so that, unfolded, the log lists each finding
/// once (as MSBuild printed it).
/// </summary>
internal sealed class CiAnnotations(CiService service, string projectFile)
{
    private readonly List<string> _commands = [];

    public CiService Service => service;

    /// <summary>
    /// For a task: the annotations for the service SmoothInfoCiService chooses, or null for none. An unknown setting
    /// also gives null here; ReportSmoothInfoDiagnostics is the one task that reports it (SI3002).
    /// </summary>
    public static CiAnnotations? For(string? setting, string? gitHubActions, string? tfBuild, string projectFile) =>
        CiServiceSetting.Parse(setting, gitHubActions, tfBuild) is { } chosen and not CiService.None ? new CiAnnotations(chosen, projectFile) : null;

    /// <param name="logged">As MSBuild logged it: severity after overrides, the file resolved to a full path.</param>
    public void Add(EstimatorDiagnostic logged)
    {
        if (logged.Severity == DiagnosticSeverity.Message) return;
        switch (service)
        {
            case CiService.GitHubActions:
                if (!MSBuildConsoleLine.Of(logged, projectFile).Any(SetupDotnetProblemMatcher.Accepts))
                    _commands.Add(GitHubWorkflowCommand.Annotation(logged));
                break;
            case CiService.AzurePipelines:
                _commands.Add(AzureLoggingCommand.LogIssue(logged));
                break;
        }
    }

    /// <summary>Azure attaches a Markdown file to the run's summary page; GitHub's summary is a file we append to.</summary>
    public void UploadSummary(string markdownFile)
    {
        if (service == CiService.AzurePipelines) _commands.Add(AzureLoggingCommand.UploadSummary(markdownFile));
    }

    /// <summary>All commands as one multi-line message (null when there are none), so parallel builds cannot split it.</summary>
    public string? Block()
    {
        if (_commands.Count == 0) return null;
        string title = $"SmoothInfo: {_commands.Count} command{(_commands.Count == 1 ? "" : "s")} for {(service == CiService.GitHubActions ? "GitHub Actions" : "Azure Pipelines")}";
        var lines = service == CiService.GitHubActions
            ? [GitHubWorkflowCommand.Group(title), .. _commands, GitHubWorkflowCommand.EndGroup()]
            : new[] { AzureLoggingCommand.Group(title) }.Concat(_commands).Append(AzureLoggingCommand.EndGroup()).ToArray();
        return string.Join("\n", lines);
    }
}
