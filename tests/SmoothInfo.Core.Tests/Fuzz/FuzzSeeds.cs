using System.Globalization;
using System.IO.Compression;
using System.Text;
using SkiaSharp;
using SmoothInfo.Estimation;
using SmoothInfo.Gate;
using SmoothInfo.Models;
using SmoothInfo.Reports;
using SmoothInfo.Results;
using SmoothInfo.Rules;
using static SmoothInfo.Tests.Rules.RuleFixtures;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Activation = SmoothInfo.Policy.Model.Activation;

namespace SmoothInfo.Tests.Fuzz;

/// <summary>Valid files of every format the product reads: what the mutations start from.</summary>
internal static class FuzzSeeds
{
    public static readonly string Fixtures = Path.Combine(TestContext.CurrentContext.TestDirectory, "Models", "Fixtures");

    /// <summary>The network the weights seeds fit (the fixtures' 3-4-2 ReLU MLP).</summary>
    public static Sequential Network() => ProbeNetworks.Build(new MlpSpec(3, new[] { 4 }, 2, Activation.Relu), seed: 5);

    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A table with quoted fields, an escaped quote and a blank line, in the given delimiter.</summary>
    public static byte[] Table(char delimiter)
    {
        var text = new StringBuilder($"id{delimiter}f1{delimiter}f2{delimiter}f3{delimiter}label\n");
        for (int i = 0; i < 12; i++)
            text.Append(CultureInfo.InvariantCulture,
                $"\"s{i}\"\"q\"{delimiter}{i * 0.5:F2}{delimiter}{-i}{delimiter}{1e-3 * i:E2}{delimiter}{(i % 3 == 0 ? "\"cat, big\"" : "dog")}\n");
        text.Append('\n');
        return Text(text.ToString());
    }

    /// <summary>An IDX file: two zero bytes, the element type, the dimension count, big-endian dimensions, big-endian data.</summary>
    public static byte[] Idx(byte type, int[] dimensions, Func<int, byte[]> element)
    {
        var bytes = new List<byte> { 0, 0, type, (byte)dimensions.Length };
        foreach (int d in dimensions) bytes.AddRange(new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d });
        int count = dimensions.Aggregate(1, (a, b) => a * b);
        for (int i = 0; i < count; i++) bytes.AddRange(element(i));
        return bytes.ToArray();
    }

    public static byte[] IdxImages(int count) => Idx(0x08, new[] { count, 4, 3 }, i => new[] { (byte)(i * 7) });

    public static byte[] IdxFloatImages(int count) => Idx(0x0D, new[] { count, 2, 2 }, i =>
    {
        var value = BitConverter.GetBytes(i * 0.25f);
        Array.Reverse(value);
        return value;
    });

    public static byte[] IdxLabels(int count) => Idx(0x08, new[] { count }, i => new[] { (byte)(i % 3) });

    public static byte[] Gzip(byte[] bytes)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }

    /// <summary>A .npy file as numpy.save writes it (version 1, or 2 with a 4-byte header length).</summary>
    public static byte[] Npy(string descr, long[] shape, byte[] data, int major = 1)
    {
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        int prefix = 6 + 2 + (major == 1 ? 2 : 4);
        string header = dict + new string(' ', (64 - (prefix + dict.Length + 1) % 64) % 64) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        bytes.AddRange(major == 1 ? BitConverter.GetBytes((ushort)header.Length) : BitConverter.GetBytes(header.Length));
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    public static byte[] NpyFeatures(int count, int major = 1) =>
        Npy(major == 1 ? "<f8" : "<f4", new long[] { count, 3 },
            Enumerable.Range(0, count * 3).SelectMany(i => major == 1 ? BitConverter.GetBytes(i * 0.5) : BitConverter.GetBytes(i * 0.5f)).ToArray(), major);

    public static byte[] NpyLabels(int count) => Npy("<i8", new long[] { count }, Enumerable.Range(0, count).SelectMany(i => BitConverter.GetBytes((long)(i % 3))).ToArray());

    public static byte[] Image(SKEncodedImageFormat format, int width, int height, int shade)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 30 + shade), (byte)(y * 30), (byte)shade));
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>The network's parameters as float64 safetensors (safetensors.torch.save_file's layout, offsets in name order).</summary>
    public static byte[] Safetensors(Sequential network)
    {
        var entries = new List<string>();
        var data = new List<byte>();
        foreach (var (name, value) in network.state_dict().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var values = value.detach().contiguous().to_type(float64).data<double>().ToArray();
            entries.Add($"\"{name}\":{{\"dtype\":\"F64\",\"shape\":[{string.Join(",", value.shape)}],\"data_offsets\":[{data.Count},{data.Count + 8 * values.Length}]}}");
            data.AddRange(values.SelectMany(BitConverter.GetBytes));
        }
        var header = Text("{\"__metadata__\":{\"format\":\"pt\"}," + string.Join(",", entries) + "}");
        return BitConverter.GetBytes((long)header.Length).Concat(header).Concat(data).ToArray();
    }

    /// <summary>The bytes of one entry (by the end of its name) of a zip fixture.</summary>
    public static byte[] ZipEntry(string zipPath, string nameSuffix)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        using var stream = zip.Entries.Single(e => e.FullName.EndsWith(nameSuffix, StringComparison.Ordinal)).Open();
        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>A zip fixture with one entry's bytes replaced, stored as torch.save stores entries (uncompressed, fresh CRC).</summary>
    public static byte[] ZipWithEntry(string zipPath, string nameSuffix, byte[] replacement)
    {
        var output = new MemoryStream();
        using (var source = ZipFile.OpenRead(zipPath))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var to = target.CreateEntry(entry.FullName, CompressionLevel.NoCompression).Open();
                if (entry.FullName.EndsWith(nameSuffix, StringComparison.Ordinal)) to.Write(replacement);
                else
                {
                    using var from = entry.Open();
                    from.CopyTo(to);
                }
            }
        }
        return output.ToArray();
    }

    /// <summary>A gate report of 60 tabular samples with a mislabeled and a corrupted finding, one of them accepted.</summary>
    public static GateReport Report(string root)
    {
        var data = TinyDataset(60);
        var signals = TypicalSignals(data);
        signals[4] = SignalsOf(4, data.Labels[4], 9, looClass: 2, looScore: 0.93);
        signals[20] = SignalsOf(20, data.Labels[20], 9, looClass: data.Labels[20], looScore: 0.05);
        var baseline = new Baseline(new[] { new BaselineEntry(data[20].ContentHash, "corrupted", "data.csv(22)", null) });
        var evaluation = RuleEngine.Evaluate(signals, SampleCatalog.Of(data), RulesWith(), baseline);
        var solver = new SolverReport("closed-form", "t = infinity", 12.5, "float64",
            new RegularizationPath(1e-3, new[] { 1e-4, 1e-3, 1e-2 }, new[] { 0.5, 0.25, double.NaN }));
        return new GateReport("1.0.0", Path.Combine(root, "smoothinfo.yml"), Path.Combine(root, "data.csv"), data.ClassNames,
            data.Samples.Select(s => s.Locator).ToList(), data.Samples.Select(s => s.ContentHash).ToList(), data.Samples.Select(s => s.Source).ToList(),
            signals, "F-SI", 1.0, solver, evaluation, GroupSummary.Of(signals, data.ClassNames, data.Samples.Select(s => s.Source).ToList(), evaluation.Findings),
            new Dictionary<int, string> { [4] = "data:image/png;base64,AAAA" });
    }

    public static EstimatorOutput Output(GateReport report) => new(report.Signals, report.Solver);

    /// <summary>A policy that sets a key of every section, with anchors, flow collections and comments.</summary>
    public const string FullPolicy = """
        # a policy that uses most of the schema
        version: 1
        dataset:
          format: csv
          path: data.csv
          labelColumn: label
          idColumn: id
          classes: [cat, dog, "eel"]
          preprocessing: { features: standardize }
        model:
          probe: &probe { kind: mlp, widths: [32, 16], activation: relu }
        training:
          learningRate: 0.1
          steps: inf
          weightDecay: 1e-3
          dynamics: continuous
        estimator:
          seed: 3
          sigma: 1.0
          maxSamples: 5000
          precision: float64
          measures: [weight-si, functional-si]
          kernel: { projection: { kind: sparse-sign, dimension: 160 } }
        rules:
          score: functional-si
          mislabeled: { kind: robust-z, threshold: 3.5 }
          corrupted: { kind: quantile, threshold: 0.99 }
          atypical: { enabled: false }
          budgets:
            overall: { maxCount: 3 }
            perClass: { maxFraction: 0.1 }
        baseline: accepted.json
        reports:
          directory: out
          formats: [json, sarif, html, markdown]
        """;
}
