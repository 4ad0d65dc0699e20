using System.Text;
using SmoothInfo.Gate;
using SmoothInfo.Policy.Loading;

namespace SmoothInfo.Evidence;

/// <summary>
/// Whether the reports surface an under-represented class and a noisy data source, as the paper's per-group SI does:
/// a Fashion-MNIST subset where one class keeps only a few samples and one source has a share of its labels flipped,
/// written as an image-csv dataset with a source column and checked by the real gate (the sample project's model and
/// settings). Prints the per-class and per-source rows the reports show.
/// </summary>
public static class GroupsExperiment
{
    public static void Run(string folder, int seed, int rareClass, int rareCount, double noisyShare, double flipRate)
    {
        var train = FashionMnist.Train();
        var random = new Random(seed);
        var order = Enumerable.Range(0, train.Count).ToArray();
        random.Shuffle(order);
        int rareSeen = 0;
        var chosen = order.Where(i => train.Labels[i] != rareClass || rareSeen++ < rareCount).Take(2000).ToArray();

        Directory.CreateDirectory(Path.Combine(folder, "images"));
        var csv = new StringBuilder("file,label,source\n");
        int flipped = 0;
        for (int j = 0; j < chosen.Length; j++)
        {
            int label = train.Labels[chosen[j]];
            bool noisySource = random.NextDouble() < noisyShare;
            if (noisySource && random.NextDouble() < flipRate)
            {
                label = (label + 1 + random.Next(9)) % 10;
                flipped++;
            }
            var pixels = train[chosen[j]].Features.ToArray().Select(v => (byte)v).ToArray();
            File.WriteAllBytes(Path.Combine(folder, "images", $"{j:D4}.png"), SampleProjectData.Png(pixels));
            csv.Append($"images/{j:D4}.png,{SampleProjectData.Folder(FashionMnist.ClassNames[label])},{(noisySource ? "vendor-b" : "vendor-a")}\n");
        }
        File.WriteAllText(Path.Combine(folder, "train.csv"), csv.ToString());
        using (var network = Pretraining.ServedModel(out _))
            SampleProjectData.WriteSafetensors(Path.Combine(folder, "classifier.safetensors"), network);
        string classes = string.Join(", ", FashionMnist.ClassNames.Select(SampleProjectData.Folder));
        File.WriteAllText(Path.Combine(folder, "smoothinfo.yml"), $"""
            version: 1
            dataset:
              format: image-csv
              path: train.csv
              sourceColumn: source
              classes: [{classes}]
              preprocessing: {"{"} channels: 1 {"}"}
            model:
              probe: {"{"} kind: mlp, widths: [256, 256] {"}"}
              weights: classifier.safetensors
              linearize: 1
            training: {"{"} steps: inf, weightDecay: 1, loss: sum {"}"}
            rules:
              mislabeled: {"{"} kind: quantile, threshold: 0.99 {"}"}
              corrupted: {"{"} kind: quantile, threshold: 0.99 {"}"}
              adversarialLooking: {"{"} kind: quantile, threshold: 0.99 {"}"}
              atypical: {"{"} kind: quantile, threshold: 0.99 {"}"}
            reports: {"{"} formats: [json, html, markdown] {"}"}
            """);

        var report = GatePipeline.Run(PolicyLoader.Load(Path.Combine(folder, "smoothinfo.yml")), new GateRunOptions()).Report;
        Console.WriteLine($"{chosen.Length} samples; class {FashionMnist.ClassNames[rareClass]} kept {Math.Min(rareCount, rareSeen)}; " +
                          $"{flipped} labels flipped in vendor-b ({flipRate:P0} of its samples)");
        double datasetMedian = report.Evaluation.Scores.Median;
        Console.WriteLine($"| group | samples | findings | median score | median / dataset median |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var g in report.Groups)
            Console.WriteLine($"| {g.Scope} {g.Group} | {g.Samples} | {g.Findings} | {g.MedianScore:G3} | {g.MedianScore / datasetMedian:F2} |");
    }
}
