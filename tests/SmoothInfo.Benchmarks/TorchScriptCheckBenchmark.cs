using System.Globalization;
using System.IO.Compression;
using SmoothInfo.Models.Weights;

namespace SmoothInfo.Benchmarks;

/// <summary>
/// The in-process check run on a TorchScript archive before libtorch reads it (every entry's CRC-32, then its pickles'
/// framing), on archives laid out as torch.jit.save lays them out: a small data.pkl and constants.pkl, the code deflated,
/// and the parameters as stored entries (fixed seed, 16 tensors sharing the size). Each size is checked once to warm up, then five
/// times from the page cache; the table gives the fastest and the slowest.
/// </summary>
public sealed class TorchScriptCheckBenchmark : IBenchmark
{
    public string Name => "torchscript-check";
    public string Description => "CRC-32 and pickle check of a TorchScript archive before libtorch [--megabytes 4,64,512]";

    public int Run(string[] args)
    {
        var sizes = new[] { 4, 64, 512 };
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--megabytes") sizes = args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        }
        string dir = Directory.CreateTempSubdirectory("torchscript-check-").FullName;
        try
        {
            Console.WriteLine("| archive | entries | check time (fastest - slowest of 5) | throughput | cores |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (int megabytes in sizes)
            {
                string archive = Path.Combine(dir, $"model-{megabytes}.pt");
                int entries = Write(archive, megabytes);
                using (var file = File.OpenHandle(archive))
                {
                    if (ZipDirectory.Read(file).Entries?.Count != entries) throw new InvalidOperationException("the check does not follow the archive: it would time nothing");
                }
                TorchScriptWeights.CheckArchive(archive); // JIT and page cache warmed
                var times = Enumerable.Range(0, 5).Select(_ => Measure.Time(() => { TorchScriptWeights.CheckArchive(archive); return 0; }).Elapsed).ToList();
                double size = new FileInfo(archive).Length / 1e6;
                Console.WriteLine($"| {size:F1} MB | {entries} | {times.Min().TotalMilliseconds:F1} - {times.Max().TotalMilliseconds:F1} ms | " +
                    $"{size / times.Min().TotalSeconds:F0} MB/s | {Environment.ProcessorCount} |");
                File.Delete(archive);
            }
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static int Write(string path, int megabytes)
    {
        const int Tensors = 16;
        var random = new Random(15);
        var tensor = new byte[(long)megabytes * 1_000_000 / Tensors];
        using var zip = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
        void Add(string name, byte[] data, CompressionLevel level)
        {
            using var stream = zip.CreateEntry("model/" + name, level).Open();
            stream.Write(data);
        }
        // A pickle framed as libtorch writes them (protocol 2, an empty dict): the check reads every .pkl entry.
        byte[] pickle = { 0x80, 0x02, (byte)'}', (byte)'q', 0x00, (byte)'.' };
        Add("data.pkl", pickle, CompressionLevel.NoCompression);
        Add("code/__torch__.py", System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("  def forward(self, x):\n    return x\n", 40))),
            CompressionLevel.Optimal);
        Add("constants.pkl", pickle, CompressionLevel.NoCompression);
        for (int i = 0; i < Tensors; i++)
        {
            random.NextBytes(tensor);
            Add($"data/{i}", tensor, CompressionLevel.NoCompression);
        }
        Add("version", "3\n"u8.ToArray(), CompressionLevel.NoCompression);
        return Tensors + 4;
    }
}
