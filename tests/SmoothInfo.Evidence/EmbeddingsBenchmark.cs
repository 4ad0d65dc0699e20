using System.Globalization;
using System.Text.Json;

namespace SmoothInfo.Evidence;

/// <summary>
/// Issue 14's streaming benchmark in two steps around the built tool: <see cref="Write"/> makes synthetic embeddings with
/// planted label flips (<see cref="SyntheticEmbeddings"/>) and a policy with the linear probe; after `smoothinfo check` ran
/// on it, <see cref="Score"/> reads the JSON report and gives the AUROC of the label surprise for the flips.
/// </summary>
public static class EmbeddingsBenchmark
{
    public const string FlippedFile = "flipped.txt";

    public static void Write(string folder, long count, int dimension, int classes, double flipRate, int seed)
    {
        Directory.CreateDirectory(folder);
        var flipped = SyntheticEmbeddings.Write(Path.Combine(folder, "x.npy"), Path.Combine(folder, "y.npy"), count, dimension, classes, flipRate, seed);
        File.WriteAllLines(Path.Combine(folder, FlippedFile), flipped.Select((f, i) => (f, i)).Where(p => p.f).Select(p => p.i.ToString(CultureInfo.InvariantCulture)));
        File.WriteAllText(Path.Combine(folder, "smoothinfo.yml"),
            "version: 1\ndataset:\n  format: npy\n  path: x.npy\n  labels: y.npy\nmodel:\n  probe: { kind: linear }\n" +
            $"training:\n  weightDecay: auto\nestimator:\n  maxSamples: {count}\nreports:\n  formats: [json, sarif, html, markdown]\n");
        Console.WriteLine($"wrote {folder}: {count} x {dimension} float32 embeddings, {classes} classes, {flipped.Count(f => f)} flipped labels (seed {seed})");
    }

    public static void Score(string folder)
    {
        var flipped = File.ReadAllLines(Path.Combine(folder, FlippedFile)).Select(int.Parse).ToHashSet();
        using var stream = File.OpenRead(Path.Combine(folder, "artifacts", "smoothinfo", "smoothinfo-report.json"));
        using var report = JsonDocument.Parse(stream);
        var samples = report.RootElement.GetProperty("samples");
        var scores = new double[samples.GetArrayLength()];
        int findings = 0, flippedFindings = 0;
        foreach (var sample in samples.EnumerateArray())
        {
            int index = sample.GetProperty("index").GetInt32();
            scores[index] = sample.GetProperty("labelSurprise").GetDouble();
            if (sample.TryGetProperty("finding", out _))
            {
                findings++;
                if (flipped.Contains(index)) flippedFindings++;
            }
        }
        var positive = Enumerable.Range(0, scores.Length).Select(flipped.Contains).ToArray();
        int topHits = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).Take(flipped.Count).Count(flipped.Contains);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"samples {scores.Length}, flipped {flipped.Count}; AUROC of label surprise {Auroc.Of(scores, positive):F4}; " +
            $"flips among the top {flipped.Count}: {topHits}; findings {findings} ({flippedFindings} of them flips)"));
    }
}
