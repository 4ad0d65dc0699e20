using SmoothInfo.Build.Ci;

namespace SmoothInfo.Build.Tasks;

/// <summary>
/// A gate task whose errors are also annotated on the CI service the build runs on. The targets pass SmoothInfoCiService
/// and the environment's GITHUB_ACTIONS and TF_BUILD (MSBuild exposes the environment as properties), so the tasks stay
/// testable without touching the process environment.
/// </summary>
public abstract class CiAnnotatingTask : Microsoft.Build.Utilities.Task
{
    /// <summary>SmoothInfoCiService: auto (default), github, azure or none.</summary>
    public string? CiService { get; set; }

    public string? GitHubActions { get; set; }

    public string? AzurePipelines { get; set; }

    /// <summary>Collects the annotations of what this task logs; null off a CI service or for an unknown setting (which
    /// ReportSmoothInfoDiagnostics reports).</summary>
    private protected CiAnnotations? AnnotationsForThisBuild() =>
        CiAnnotations.For(CiService, GitHubActions, AzurePipelines, BuildEngine.ProjectFileOfTaskNode);
}
