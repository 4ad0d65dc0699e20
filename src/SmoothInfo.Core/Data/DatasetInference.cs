using SkiaSharp;
using SmoothInfo.Data.Csv;
using SmoothInfo.Data.Images;
using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Data;

/// <summary>What `smoothinfo init` can tell about a dataset from its files alone.</summary>
public sealed record InferredDataset(
    DatasetFormat Format,
    string Path,
    string? Labels = null,
    string? LabelColumn = null,
    string? IdColumn = null,
    string? SourceColumn = null,
    string? ImageColumn = null,
    int Channels = 3,
    (int Width, int Height)? ImageSize = null);

/// <summary>
/// Guesses a dataset's format and columns from its path and first rows: the folder layout, file
/// extension, IDX magic, and conventional column names (label/target/class, id, source, file/image).
/// </summary>
public static class DatasetInference
{
    private static readonly string[] LabelNames = { "label", "labels", "target", "class", "y", "category" };
    private static readonly string[] IdNames = { "id", "sample_id", "sampleid", "uid", "name" };
    private static readonly string[] SourceNames = { "source", "origin", "provenance" };
    private static readonly string[] ImageNames = { "file", "image", "path", "filename", "image_path", "img" };

    public static InferredDataset Infer(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full)) return FromFolder(full);
        if (!File.Exists(full)) throw DataFiles.NotFound(full);
        string name = System.IO.Path.GetFileName(full);
        bool Has(string part) => name.Contains(part, StringComparison.OrdinalIgnoreCase);
        bool Ends(string extension) => name.EndsWith(extension, StringComparison.OrdinalIgnoreCase);
        if (Ends(".npy")) return new InferredDataset(DatasetFormat.Npy, full, Labels: Sibling(full, NpyLabelCandidates(name)) ?? throw NoLabels(full, "labels.npy, y.npy or labels.txt"));
        if (Has("idx") || Has("-ubyte")) return FromIdx(full, name);
        if (Ends(".csv") || Ends(".tsv") || Ends(".txt")) return FromTable(full, Ends(".tsv") ? DatasetFormat.Tsv : DatasetFormat.Csv);
        throw new InputException(ErrorCodes.FormatNotRecognised,
            "the dataset format cannot be recognised; a .csv/.tsv table, IDX files (…-idx3-ubyte[.gz]), a .npy array, or a folder with one sub-folder of images per class is expected.",
            "convert the data to one of these formats, or write the policy by hand (docs/policy.md).", new SourceLocation(full));
    }

    private static InferredDataset FromFolder(string folder)
    {
        var images = ImageFolderLayout.Enumerate(folder).Select(e => e.Image).ToList();
        if (images.Count == 0)
            throw new InputException(ErrorCodes.FormatNotRecognised, "the folder has no sub-folders with .png, .jpg or .jpeg images; one sub-folder per class is expected.",
                "arrange the images as <folder>/<class>/<image>.png, or point --dataset at a CSV or IDX file.", new SourceLocation(folder));
        var (channels, size) = ImageLayout(images);
        return new InferredDataset(DatasetFormat.ImageFolder, folder, Channels: channels, ImageSize: size);
    }

    private static InferredDataset FromIdx(string file, string name)
    {
        string labels = name.Replace("images-idx3", "labels-idx1", StringComparison.OrdinalIgnoreCase).Replace("images", "labels", StringComparison.OrdinalIgnoreCase);
        string? found = labels != name ? Sibling(file, new[] { labels }) : null;
        return new InferredDataset(DatasetFormat.Idx, file, Labels: found ?? throw NoLabels(file, labels == name ? "the matching …-labels-idx1-ubyte file" : labels));
    }

    private static InferredDataset FromTable(string file, DatasetFormat format)
    {
        var header = ReadHeader(file, format == DatasetFormat.Tsv ? (byte)'\t' : (byte)',');
        string? Find(string[] names) => header.Names.FirstOrDefault(n => names.Contains(n.ToLowerInvariant()));
        string label = Find(LabelNames) ?? header.Names[^1];
        string? image = Find(ImageNames);
        return new InferredDataset(image is not null && format == DatasetFormat.Csv ? DatasetFormat.ImageCsv : format, file,
            LabelColumn: label, IdColumn: Find(IdNames), SourceColumn: Find(SourceNames), ImageColumn: image);
    }

    private static CsvHeader ReadHeader(string file, byte delimiter)
    {
        using var stream = DataFiles.OpenRead(file);
        var scanner = new CsvRecordScanner(stream, 1 << 16);
        var records = new List<CsvRecord>();
        if (!scanner.NextBlock(records)) throw CsvErrors.NoHeader(file);
        return CsvHeader.Parse(file, scanner.Buffer.Span.Slice(records[0].Start, records[0].Length), records[0].Line, delimiter);
    }

    /// <summary>Grey when every image is stored grey; a size (the largest) only when the images differ. Reads headers only.</summary>
    private static (int Channels, (int, int)? Size) ImageLayout(IReadOnlyList<string> images)
    {
        bool grey = true;
        var sizes = new HashSet<(int, int)>();
        foreach (string image in images)
        {
            using var codec = SKCodec.Create(image);
            if (codec is null) continue; // the reader reports a corrupt image with its file
            grey &= codec.Info.ColorType == SKColorType.Gray8;
            sizes.Add((codec.Info.Width, codec.Info.Height));
        }
        return (grey ? 1 : 3, sizes.Count > 1 ? sizes.Max() : null);
    }

    private static string[] NpyLabelCandidates(string name) =>
        new[] { name.Replace("features", "labels", StringComparison.OrdinalIgnoreCase), name.Replace("x", "y", StringComparison.OrdinalIgnoreCase), "labels.npy", "y.npy", "labels.txt", "y.txt" }
            .Where(candidate => candidate != name).ToArray();

    private static string? Sibling(string file, IEnumerable<string> names)
    {
        string folder = System.IO.Path.GetDirectoryName(file)!;
        return names.Select(n => System.IO.Path.Combine(folder, n)).FirstOrDefault(File.Exists);
    }

    private static InputException NoLabels(string file, string expected) => new(ErrorCodes.FormatNotRecognised,
        $"no labels file was found next to the data; {expected} is expected beside it.",
        "put the labels file beside the data under that name, or write 'dataset.labels' in the policy by hand.", new SourceLocation(file));
}
