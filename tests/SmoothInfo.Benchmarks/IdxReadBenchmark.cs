using System.IO.Compression;
using SmoothInfo.Data;
using SmoothInfo.Policy.Loading;

namespace SmoothInfo.Benchmarks;

/// <summary>Reading MNIST-shaped gzip IDX files (60,000 x 28 x 28 images plus labels), generated from a fixed seed.</summary>
public sealed class IdxReadBenchmark : IBenchmark
{
    public string Name => "idx-read";
    public string Description => "read 60,000 x 28 x 28 gzip IDX images and labels into a dataset";

    public int Run(string[] args)
    {
        const int count = 60_000, side = 28;
        string dir = Directory.CreateTempSubdirectory("idx-bench-").FullName;
        try
        {
            var random = new Random(4);
            var pixels = new byte[count * side * side];
            for (int i = 0; i < pixels.Length; i++) pixels[i] = random.Next(3) == 0 ? (byte)0 : (byte)random.Next(256);
            var labels = Enumerable.Range(0, count).Select(_ => (byte)random.Next(10)).ToArray();
            WriteIdx(Path.Combine(dir, "train-images-idx3-ubyte.gz"), new[] { count, side, side }, pixels);
            WriteIdx(Path.Combine(dir, "train-labels-idx1-ubyte.gz"), new[] { count }, labels);
            var policy = PolicyLoader.Load(Path.Combine(dir, "smoothinfo.yml"),
                $"version: 1\ndataset:\n  format: idx\n  path: train-images-idx3-ubyte.gz\n  labels: train-labels-idx1-ubyte.gz\nestimator:\n  maxSamples: {count}\n");
            GC.Collect();
            Measure.ResetPeak();
            var (dataset, elapsed) = Measure.Time(() => DatasetReader.Read(policy));
            if (dataset.Count != count) throw new InvalidOperationException("the benchmark read the wrong count");
            double megabytes = new FileInfo(Path.Combine(dir, "train-images-idx3-ubyte.gz")).Length / 1e6;
            Console.WriteLine("| data | samples | file size (gzip) | read time | peak RSS | cores |");
            Console.WriteLine("|---|---|---|---|---|---|");
            Console.WriteLine($"| IDX images + labels, gzip | {count:N0} x {side} x {side} | {megabytes:F0} MB | {elapsed.TotalSeconds:F2} s | " +
                $"{Measure.PeakResidentBytes() / 1e6:F0} MB | {Environment.ProcessorCount} |");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void WriteIdx(string path, int[] dimensions, byte[] data)
    {
        using var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gzip.Write(new byte[] { 0, 0, 0x08, (byte)dimensions.Length });
        foreach (int d in dimensions) gzip.Write(new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d });
        gzip.Write(data);
    }
}
