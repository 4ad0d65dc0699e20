using System.Globalization;
using System.IO.Compression;

namespace SmoothInfo.Evidence;

/// <summary>A small labelled table: features per row, integer labels, class names; Pixels: the features are an image's intensities.</summary>
public sealed record Table(double[][] Features, int[] Labels, string[] ClassNames, bool Pixels);

/// <summary>
/// The toy datasets Debian's python3-sklearn ships (BSD licence), read as sklearn's loaders do: digits.csv.gz has no
/// header, 64 pixel values 0..16 then the digit; breast_cancer, wine_data and iris start with a count line
/// "rows,features,class names..." and hold features then the integer class.
/// </summary>
public static class SklearnData
{
    public const string Folder = "/usr/lib/python3/dist-packages/sklearn/datasets/data";

    public static Table Load(string dataset) => dataset switch
    {
        "digits" => Digits(),
        "breast-cancer" => Counted("breast_cancer.csv"),
        "wine" => Counted("wine_data.csv"),
        "iris" => Counted("iris.csv"),
        _ => throw new ArgumentException($"unknown dataset {dataset}"),
    };

    private static Table Digits()
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(Required("digits.csv.gz")), CompressionMode.Decompress));
        var rows = Lines(reader).Select(Numbers).ToArray();
        return new Table(rows.Select(r => r[..^1]).ToArray(), rows.Select(r => (int)r[^1]).ToArray(),
            Enumerable.Range(0, 10).Select(d => d.ToString(CultureInfo.InvariantCulture)).ToArray(), Pixels: true);
    }

    private static Table Counted(string file)
    {
        using var reader = new StreamReader(Required(file));
        var lines = Lines(reader).ToArray();
        var header = lines[0].Split(',');
        int count = int.Parse(header[0], CultureInfo.InvariantCulture), features = int.Parse(header[1], CultureInfo.InvariantCulture);
        var rows = lines.Skip(1).Select(Numbers).ToArray();
        if (rows.Length != count || rows.Any(r => r.Length != features + 1))
            throw new InvalidDataException($"{file}: expected {count} rows of {features} features and a label");
        return new Table(rows.Select(r => r[..^1]).ToArray(), rows.Select(r => (int)r[^1]).ToArray(), header[2..], Pixels: false);
    }

    /// <summary>A CSV with a header (p0.. for pixels, f0.. for table columns, then label), labels as class names, numbers round-trip.</summary>
    public static void WriteCsv(string path, Table table)
    {
        using var writer = new StreamWriter(path) { NewLine = "\n" };
        string prefix = table.Pixels ? "p" : "f";
        writer.WriteLine(string.Join(",", Enumerable.Range(0, table.Features[0].Length).Select(f => prefix + f).Append("label")));
        for (int i = 0; i < table.Labels.Length; i++)
            writer.WriteLine(string.Join(",", table.Features[i].Select(v => v.ToString("R", CultureInfo.InvariantCulture)).Append(table.ClassNames[table.Labels[i]])));
    }

    private static string Required(string file)
    {
        string path = Path.Combine(Folder, file);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing: install Debian's python3-sklearn.");
        return path;
    }

    private static IEnumerable<string> Lines(TextReader reader)
    {
        for (string? line; (line = reader.ReadLine()) is not null;)
            if (line.Trim().Length > 0) yield return line.Trim();
    }

    private static double[] Numbers(string line) => line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
}
