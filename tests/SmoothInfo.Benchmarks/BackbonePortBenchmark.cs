using SmoothInfo.Data;
using SmoothInfo.Models.Backbones;
using SmoothInfo.Policy.Loading;

namespace SmoothInfo.Benchmarks;

/// <summary>
/// The ResNet-18 backbone two ways on the same images: ONNX Runtime (ResNet18Features, batch 1, images side by side, as
/// the gate runs it) and the TorchSharp port (ResNet18Network, float32 batches), with the largest feature difference.
/// Options: --images folder (one sub-folder per class; default sample-project/data/train), --count (all), --batch 16,
/// --threads 2 (torch's intra-op threads; ONNX Runtime gets as many workers).
/// </summary>
public sealed class BackbonePortBenchmark : IBenchmark
{
    public string Name => "backbone-port";
    public string Description => "ResNet-18 features by ONNX Runtime and by the TorchSharp port on the same images: time and largest difference";

    public int Run(string[] args)
    {
        var options = Options.Parse(args);
        string images = Path.GetFullPath(options.String("images", "sample-project/data/train"));
        int batch = options.Int("batch", 16), threads = options.Int("threads", 2);
        string dir = Directory.CreateTempSubdirectory("backbone-port-bench-").FullName;
        try
        {
            var policy = PolicyLoader.Load(Path.Combine(dir, "smoothinfo.yml"),
                $"version: 1\ndataset:\n  format: image-folder\n  path: \"{images}\"\n  preprocessing: {{ channels: 1 }}\n");
            var dataset = DatasetReader.Read(policy);
            int count = Math.Min(options.Int("count", dataset.Count), dataset.Count);
            var rows = Enumerable.Range(0, count).Select(i => dataset[i].Features).ToList();
            var layout = ImageLayout.Of(dataset.SampleShape)!.Value;
            TorchSharp.torch.set_num_threads(threads);
            string loadBefore = MachineLoad.Current();

            using var onnxRuntime = new ResNet18Features(workers: threads);
            var (expected, onnxTime) = Measure.Time(() => onnxRuntime.Embed(rows, layout, 1f));
            using var port = new ResNet18Network();
            var (actual, portTime) = Measure.Time(() => port.Embed(rows, layout, 1f, ResNet18Features.InputSize, batch));
            double difference = expected.Zip(actual, (e, a) => e.Zip(a, (u, v) => Math.Abs((double)u - v)).Max()).Max();

            Console.WriteLine("| images | ONNX Runtime (batch 1, workers) | images/s | TorchSharp port (float32, batch, threads) | images/s | max abs. difference | load average before / after |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            Console.WriteLine($"| {count:N0} x {string.Join("x", dataset.SampleShape)} | {onnxTime.TotalSeconds:F1} s ({threads}) | {count / onnxTime.TotalSeconds:F1} | " +
                $"{portTime.TotalSeconds:F1} s ({batch}, {threads}) | {count / portTime.TotalSeconds:F1} | {difference:G3} | {loadBefore} / {MachineLoad.Current()} |");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
