using SmoothInfo.Data;
using SmoothInfo.Gate;
using SmoothInfo.Policy.Loading;

namespace SmoothInfo.Benchmarks;

/// <summary>
/// The ResNet-18 backbone on the sample project's 2,000 Fashion-MNIST PNGs as the gate runs it (BackboneRun): every image
/// embedded into an empty cache, then the same again from the cache. Options: --images folder (one sub-folder per class).
/// </summary>
public sealed class BackboneBenchmark : IBenchmark
{
    public string Name => "backbone";
    public string Description => "ResNet-18 features of an image folder (default sample-project/data/train): cold, then cached";

    public int Run(string[] args)
    {
        var options = Options.Parse(args);
        string images = Path.GetFullPath(options.String("images", "sample-project/data/train"));
        string dir = Directory.CreateTempSubdirectory("backbone-bench-").FullName;
        try
        {
            var policy = PolicyLoader.Load(Path.Combine(dir, "smoothinfo.yml"),
                $"version: 1\ndataset:\n  format: image-folder\n  path: \"{images}\"\n  preprocessing: {{ channels: 1, features: scale }}\n" +
                "model:\n  probe: { kind: gaussian }\n  backbone: resnet18\ntraining:\n  weightDecay: auto\n");
            var (dataset, read) = Measure.Time(() => DatasetReader.Read(policy));
            string loadBefore = MachineLoad.Current();
            GC.Collect();
            Measure.ResetPeak();
            var (cold, coldTime) = Measure.Time(() => BackboneRun.Embed(policy, dataset, dir)!);
            long peak = Measure.PeakResidentBytes();
            var (warm, warmTime) = Measure.Time(() => BackboneRun.Embed(policy, dataset, dir)!);
            if (warm.Embedded != 0) throw new InvalidOperationException("the second run embedded images; the cache did not hold");
            Console.WriteLine("| images | read | embed (cold cache) | images/s | from cache | workers | load average before / after | peak RSS |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            Console.WriteLine($"| {dataset.Count:N0} x {string.Join("x", dataset.SampleShape)} ({cold.Embedded:N0} distinct) | {read.TotalSeconds:F1} s | " +
                $"{coldTime.TotalSeconds:F1} s | {cold.Embedded / coldTime.TotalSeconds:F1} | {warmTime.TotalSeconds:F2} s | {Environment.ProcessorCount} | " +
                $"{loadBefore} / {MachineLoad.Current()} | {peak / 1e6:F0} MB |");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
