using System.Globalization;
using System.Text;
using SmoothInfo.Data;
using SmoothInfo.Policy.Loading;

namespace SmoothInfo.Benchmarks;

/// <summary>
/// Reading an MNIST-sized CSV (60,000 rows x 784 features + label) through the dataset reader, as `check`
/// does. The file is generated in a temp folder from a fixed seed: integer pixels 0-255 like the MNIST
/// CSVs, or decimals with 6 digits (--values decimal), which are twice the bytes.
/// </summary>
public sealed class CsvReadBenchmark : IBenchmark
{
    public string Name => "csv-read";
    public string Description => "read a 60,000 x 784 CSV into a dataset [--rows N] [--values integer|decimal|both]";

    public int Run(string[] args)
    {
        int rows = 60_000;
        string values = "both";
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--rows") rows = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            else if (args[i] == "--values") values = args[i + 1];
        }
        const int features = 784;
        string dir = Directory.CreateTempSubdirectory("csv-bench-").FullName;
        try
        {
            Console.WriteLine("| values | rows x features | file size | read time | throughput | peak RSS | cores |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            foreach (bool decimals in values == "both" ? new[] { false, true } : new[] { values == "decimal" })
                Console.WriteLine(Measure1(dir, rows, features, decimals));
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Measure1(string dir, int rows, int features, bool decimals)
    {
        string csv = Path.Combine(dir, decimals ? "decimal.csv" : "integer.csv");
        Generate(csv, rows, features, decimals);
        string policyFile = Path.Combine(dir, "smoothinfo.yml");
        var policy = PolicyLoader.Load(policyFile,
            $"version: 1\ndataset:\n  format: csv\n  path: {Path.GetFileName(csv)}\nestimator:\n  maxSamples: {rows}\n");
        GC.Collect();
        Measure.ResetPeak();
        var (dataset, elapsed) = Measure.Time(() => DatasetReader.Read(policy));
        if (dataset.Count != rows || dataset.FeatureCount != features) throw new InvalidOperationException("the benchmark read the wrong shape");
        double megabytes = new FileInfo(csv).Length / 1e6;
        return $"| {(decimals ? "decimal (6 digits)" : "integer 0-255")} | {rows:N0} x {features} | {megabytes:F0} MB | {elapsed.TotalSeconds:F2} s | " +
            $"{megabytes / elapsed.TotalSeconds:F0} MB/s | {Measure.PeakResidentBytes() / 1e6:F0} MB | {Environment.ProcessorCount} |";
    }

    /// <summary>Deterministic content (seed 4): most MNIST pixels are 0, so a third of the values are.</summary>
    private static void Generate(string path, int rows, int features, bool decimals)
    {
        var random = new Random(4);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write(string.Join(",", Enumerable.Range(0, features).Select(j => $"pixel{j}")));
        writer.Write(",label\n");
        var line = new StringBuilder();
        for (int i = 0; i < rows; i++)
        {
            line.Clear();
            for (int j = 0; j < features; j++)
            {
                int pixel = random.Next(3) == 0 ? 0 : random.Next(256);
                if (decimals) line.Append((pixel / 255.0).ToString("F6", CultureInfo.InvariantCulture));
                else line.Append(pixel);
                line.Append(',');
            }
            line.Append(random.Next(10)).Append('\n');
            writer.Write(line);
        }
    }
}
