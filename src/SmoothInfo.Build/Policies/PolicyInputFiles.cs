using SmoothInfo.Policy.Model;

namespace SmoothInfo.Build.Policies;

/// <summary>
/// The files whose change must re-run the gate for one policy: the policy itself, the dataset (every file
/// under it when it is a folder), the labels, the model weights and the baseline. MSBuild compares their
/// timestamps with the cached diagnostics file to decide whether the estimator runs again.
/// </summary>
internal static class PolicyInputFiles
{
    public static IReadOnlyList<string> Of(SmoothInfoPolicy policy)
    {
        var files = new List<string> { policy.PolicyFile };
        AddPath(files, policy.Dataset.Path);
        AddPath(files, policy.Dataset.Labels);
        AddPath(files, policy.Model.Weights);
        AddPath(files, policy.Baseline);
        return files;
    }

    private static void AddPath(List<string> files, string? path)
    {
        if (string.IsNullOrEmpty(path)) return;
        // A folder's own timestamp does not change when a file inside it is edited, so list its files.
        if (Directory.Exists(path))
            files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        else
            files.Add(path);
    }
}
