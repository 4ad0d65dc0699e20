using System.Globalization;
using SmoothInfo.Data.Csv;
using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Data.Images;

/// <summary>
/// Image datasets: a folder with one sub-folder per class (image-folder), or a CSV listing image files
/// and their labels (image-csv). A sample's locator is its image file, or for image-csv its row in the
/// list (where a wrong label is fixed); errors in decoding an image always name the image file.
/// </summary>
public static class ImageDatasetReader
{
    private sealed record Entry(string Image, string Label, SampleLocator? ListedAt, string? Id = null, string? Source = null);

    public static Dataset Read(DatasetPolicy policy, int maxSamples, TrainingConventions? training = null)
    {
        var entries = policy.Format == DatasetFormat.ImageFolder ? FromFolders(policy.Path) : FromCsv(policy);
        if (entries.Count == 0)
            throw new InputException(ErrorCodes.DatasetEmpty,
                policy.Format == DatasetFormat.ImageFolder ? "the folder holds no .png, .jpg or .jpeg images in sub-folders; one sub-folder per class is expected."
                    : "the list names no images; one row per image is expected.",
                policy.Format == DatasetFormat.ImageFolder ? "put each class's images in a sub-folder named after the class (e.g. data/cat/1.png)."
                    : "add rows with an image path and a label.", new SourceLocation(policy.Path));
        if (entries.Count > maxSamples)
            throw DatasetBuilder.TooLarge(new SampleLocator(policy.Path), entries.Count.ToString(CultureInfo.InvariantCulture), maxSamples);

        var decoder = new ImageDecoder(policy.Preprocessing.Channels, policy.Preprocessing.ImageSize);
        var first = decoder.Decode(entries[0].Image);
        var builder = new DatasetBuilder(policy.Path, decoder.SampleShape, maxSamples, entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            builder.Add(i == 0 ? first : decoder.Decode(entry.Image), entry.Label, entry.ListedAt ?? new SampleLocator(entry.Image), entry.Id, entry.Source);
        }
        return builder.Build(policy, training);
    }

    private static List<Entry> FromFolders(string root)
    {
        DataFiles.RequireDirectory(root);
        return ImageFolderLayout.Enumerate(root).Select(e => new Entry(e.Image, e.Class, null)).ToList();
    }

    /// <summary>Rows of the list; an image path is relative to the list's folder.</summary>
    private static List<Entry> FromCsv(DatasetPolicy policy)
    {
        var table = CsvTable.Read(policy.Path);
        int image = table.Header.IndexOf(policy.ImageColumn, "dataset.imageColumn");
        int label = table.Header.IndexOf(policy.LabelColumn, "dataset.labelColumn");
        int? id = policy.IdColumn is { } idName ? table.Header.IndexOf(idName, "dataset.idColumn") : null;
        int? source = policy.SourceColumn is { } sourceName ? table.Header.IndexOf(sourceName, "dataset.sourceColumn") : null;
        string folder = Path.GetDirectoryName(Path.GetFullPath(policy.Path))!;
        var entries = new List<Entry>();
        foreach (var (line, fields) in table.Rows)
        {
            string path = Path.GetFullPath(fields[image], folder);
            if (!File.Exists(path))
                throw new InputException(ErrorCodes.FileNotFound, $"the row names the image '{fields[image]}', which does not exist (looked for {path}).",
                    $"correct the path (relative to the folder of {Path.GetFileName(policy.Path)}) or remove the row.", new SourceLocation(policy.Path, line, 1));
            entries.Add(new Entry(path, fields[label], SampleLocator.AtLine(policy.Path, line), id is int i ? fields[i] : null, source is int s ? fields[s] : null));
        }
        return entries;
    }
}
