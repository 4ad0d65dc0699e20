namespace SmoothInfo.Data.Images;

/// <summary>
/// The images of an image-folder dataset: &lt;root&gt;/&lt;class&gt;/&lt;image&gt;, in ordinal order so every run sees
/// the same sample order. Hidden folders and files (.git, macOS ._ resource forks) are not samples.
/// </summary>
internal static class ImageFolderLayout
{
    public static IReadOnlyList<(string Image, string Class)> Enumerate(string root) =>
        Directory.GetDirectories(root).Where(d => !IsHidden(d)).Order(StringComparer.Ordinal)
            .SelectMany(folder => Directory.GetFiles(folder).Where(f => !IsHidden(f) && ImageDecoder.IsImage(f)).Order(StringComparer.Ordinal)
                .Select(image => (image, Path.GetFileName(folder))))
            .ToList();

    private static bool IsHidden(string path) => Path.GetFileName(path).StartsWith('.');
}
