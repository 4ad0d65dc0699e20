using SkiaSharp;
using SmoothInfo.Data;
using SmoothInfo.Gate;
using SmoothInfo.Models.Weights;
using SmoothInfo.Policy.Loading;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reports;
using SmoothInfo.Rules;
using static SmoothInfo.Tests.Fuzz.FuzzSeeds;

namespace SmoothInfo.Tests.Fuzz;

/// <summary>Every reader of a user's file (or of a file the tool wrote and reads back), prepared for fuzzing.</summary>
internal static class FuzzTargets
{
    public static IEnumerable<FuzzTarget> All() => new[]
    {
        new FuzzTarget("policy-yaml", dir => Single(dir, "smoothinfo.yml", new[] { Text(FullPolicy), Text(StarterLikePolicy) }, path =>
        {
            File.WriteAllBytes(Path.Combine(dir, "data.csv"), Table(','));
            return () => PolicyLoader.Load(path);
        })),
        new FuzzTarget("csv", dir => Dataset(dir, "data.csv", new[] { Table(',') }, "format: csv\npath: data.csv\nlabelColumn: label\nidColumn: id")),
        new FuzzTarget("tsv", dir => Dataset(dir, "data.tsv", new[] { Table('\t') }, "format: tsv\npath: data.tsv\nlabelColumn: label\nidColumn: id")),
        new FuzzTarget("idx", dir => Dataset(dir, "images-idx3-ubyte", new[] { IdxImages(6), IdxFloatImages(6) }, "format: idx\npath: images-idx3-ubyte\nlabels: labels-idx1-ubyte",
            ("labels-idx1-ubyte", IdxLabels(6)))),
        new FuzzTarget("idx-gzip", dir => Dataset(dir, "images-idx3-ubyte.gz", new[] { Gzip(IdxImages(6)), Gzip(IdxFloatImages(6)) },
            "format: idx\npath: images-idx3-ubyte.gz\nlabels: labels-idx1-ubyte.gz", ("labels-idx1-ubyte.gz", Gzip(IdxLabels(6))))),
        new FuzzTarget("idx-labels", dir => Dataset(dir, "labels-idx1-ubyte", new[] { IdxLabels(6) }, "format: idx\npath: images-idx3-ubyte\nlabels: labels-idx1-ubyte",
            ("images-idx3-ubyte", IdxImages(6)))),
        new FuzzTarget("npy", dir => Dataset(dir, "x.npy", new[] { NpyFeatures(6), NpyFeatures(6, major: 2) }, "format: npy\npath: x.npy\nlabels: y.npy",
            ("y.npy", NpyLabels(6)))),
        new FuzzTarget("npy-labels", dir => Dataset(dir, "y.npy", new[] { NpyLabels(6) }, "format: npy\npath: x.npy\nlabels: y.npy", ("x.npy", NpyFeatures(6)))),
        new FuzzTarget("png", dir => Images(dir, SKEncodedImageFormat.Png, "png")),
        new FuzzTarget("jpeg", dir => Images(dir, SKEncodedImageFormat.Jpeg, "jpg")),
        new FuzzTarget("safetensors", dir => Weights(dir, "model.safetensors", Safetensors(FuzzSeeds.Network()), WeightsFormat.Auto)),
        new FuzzTarget("state-dict", dir => Weights(dir, "model.pt", File.ReadAllBytes(Fixture("mlp_3_4_2.pt")), WeightsFormat.Auto)),
        // The zip's CRC stops most mutations of the pickle inside it: these mutate the pickle and repack it.
        new FuzzTarget("state-dict-pickle", dir => Weights(dir, "model.pt", ZipEntry(Fixture("mlp_3_4_2.pt"), "/data.pkl"), WeightsFormat.StateDict)
            with { Pack = pickle => ZipWithEntry(Fixture("mlp_3_4_2.pt"), "/data.pkl", pickle) }),
        // Most damaged archives are refused in process (a zip directory libtorch cannot open, an entry failing its CRC-32);
        // the rest reach torch.jit.load in a child process (TorchScriptWeights.Read), about 1 s each: fewer in the short
        // mode for the targets that repack a valid zip, whose every input gets there.
        new FuzzTarget("torchscript", dir => Weights(dir, "model_script.pt", File.ReadAllBytes(Fixture(Script)), WeightsFormat.Torchscript)),
        new FuzzTarget("torchscript-code", dir => Weights(dir, "model_script.pt", ZipEntry(Fixture(Script), "/code/__torch__.py"), WeightsFormat.Torchscript)
            with { Pack = code => ZipWithEntry(Fixture(Script), "/code/__torch__.py", code) }) { ShortModeInputs = ChildProcessShortModeInputs },
        new FuzzTarget("torchscript-pickle", dir => Weights(dir, "model_script.pt", ZipEntry(Fixture(Script), "/data.pkl"), WeightsFormat.Torchscript)
            with { Pack = pickle => ZipWithEntry(Fixture(Script), "/data.pkl", pickle) }) { ShortModeInputs = ChildProcessShortModeInputs },
        new FuzzTarget("saved-report", dir => Single(dir, "smoothinfo-report.json", new[] { Written(dir, path => JsonReport.Write(path, Report(dir))) },
            path => () => SavedReport.Read(path))),
        new FuzzTarget("baseline", dir => Single(dir, "smoothinfo.baseline.json",
            new[] { Written(dir, path => { var report = Report(dir); Baseline.Write(path, report.Evaluation.Findings, report.SampleKeys); }) }, path => () => Baseline.Load(path))),
        new FuzzTarget("estimator-cache", dir =>
        {
            var report = Report(dir);
            var dataset = Rules.RuleFixtures.TinyDataset(60);
            var seed = Written(dir, path => EstimatorCache.Save(path, "fuzz-key", Output(report)));
            return Single(dir, EstimatorCache.FileName, new[] { seed }, path => () => EstimatorCache.Load(path, "fuzz-key", dataset)) with { MayRefuse = false };
        }),
    };

    private const string Script = "mlp_3_4_2_script.pt";
    private const int ChildProcessShortModeInputs = 12;

    /// <summary>A starter-like policy: block style, defaults left out.</summary>
    private const string StarterLikePolicy = "version: 1\ndataset:\n  format: csv\n  path: data.csv\n  labelColumn: label\nreports:\n  formats:\n    - json\n    - html\n";

    private static string Fixture(string name) => Path.Combine(Fixtures, name);

    /// <summary>A reader of one file that names only that file; <paramref name="reader"/> prepares companions and returns the call.</summary>
    private static FuzzCase Single(string dir, string name, IReadOnlyList<byte[]> seeds, Func<string, Func<object?>> reader)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, seeds[0]);
        return new FuzzCase(seeds, path, reader(path), new[] { path });
    }

    /// <summary>What a product writer writes, as a seed.</summary>
    private static byte[] Written(string dir, Action<string> write)
    {
        string path = Path.Combine(dir, "seed-" + Guid.NewGuid().ToString("N"));
        write(path);
        var bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return bytes;
    }

    /// <summary>A dataset whose file <paramref name="mutated"/> is fuzzed while its companions stay valid; errors may name any of them.</summary>
    private static FuzzCase Dataset(string dir, string mutated, IReadOnlyList<byte[]> seeds, string datasetYaml, params (string Name, byte[] Bytes)[] companions)
    {
        foreach (var (name, bytes) in companions) File.WriteAllBytes(Path.Combine(dir, name), bytes);
        string path = Path.Combine(dir, mutated);
        File.WriteAllBytes(path, seeds[0]);
        string yaml = "version: 1\ndataset:\n" + string.Join("\n", datasetYaml.Split('\n').Select(l => "  " + l)) + "\nestimator:\n  maxSamples: 20000\n";
        var policy = PolicyLoader.Load(Path.Combine(dir, "smoothinfo.yml"), yaml);
        var named = companions.Select(c => Path.Combine(dir, c.Name)).Append(path).ToArray();
        return new FuzzCase(seeds, path, () => DatasetReader.Read(policy), named);
    }

    /// <summary>An image folder of three classes resized to 8x8; the first image (which sets nothing, the size is given) is fuzzed.</summary>
    private static FuzzCase Images(string dir, SKEncodedImageFormat format, string extension)
    {
        string Folder(string name) => Directory.CreateDirectory(Path.Combine(dir, "images", name)).FullName;
        var seeds = new[] { Image(format, 8, 8, 10), Image(format, 5, 7, 200) };
        string mutated = Path.Combine(Folder("a"), "0." + extension);
        File.WriteAllBytes(mutated, seeds[0]);
        File.WriteAllBytes(Path.Combine(Folder("a"), "1." + extension), Image(format, 8, 8, 90));
        File.WriteAllBytes(Path.Combine(Folder("b"), "2." + extension), Image(format, 6, 6, 150));
        var policy = PolicyLoader.Load(Path.Combine(dir, "smoothinfo.yml"),
            "version: 1\ndataset:\n  format: image-folder\n  path: images\n  preprocessing: { imageSize: [8, 8] }\n");
        return new FuzzCase(seeds, mutated, () => DatasetReader.Read(policy), new[] { mutated });
    }

    private static FuzzCase Weights(string dir, string name, byte[] seed, WeightsFormat format)
    {
        var network = FuzzSeeds.Network();
        return Single(dir, name, new[] { seed }, path => () =>
        {
            NetworkWeights.Load(network, path, format);
            return network;
        });
    }
}
