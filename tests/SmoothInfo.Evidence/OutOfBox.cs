using System.Diagnostics;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>
/// One method's detection on one planted set: AUROC per planted kind against clean samples, its flagged set, and the best
/// precision any threshold on its score reaches at recall .9 (all kinds together).
/// </summary>
public sealed record MethodResult(string Method, double AurocFlip, double AurocCorrupted, double AurocPoison, double AurocAny,
    int Findings, double Precision, double Recall, double Seconds, double PrecisionAtRecall90);

/// <summary>One planted set's results: the gate and its peers, the gate's finding category per sample, and the most L-BFGS
/// iterations a cleanlab fold needed (sklearn stops at 100 by default; here the heads run to convergence, which costs time).</summary>
public sealed record SetResult(PlantedSet Set, string GateScoreField, IReadOnlyList<MethodResult> Methods, string?[] GateFindings, int CleanlabIterations);

/// <summary>
/// The cross-dataset benchmark (issue 16, item 4): plant problems into datasets served here, run the real tool with the
/// defaults `init` writes, and put two peers a user would reach for beside it on the same data, timed: cleanlab's recipe
/// (out-of-fold multinomial logistic regression on standardized inputs, score 1 - p[label], flagged by prune-by-noise-rate,
/// cleanlab's default filter) and an isolation forest on standardized inputs (flagged above 0.5, sklearn's "auto").
/// </summary>
public static class OutOfBox
{
    public static void Run(string[] datasets, int[] seeds, string outDir)
    {
        var results = new List<SetResult>();
        foreach (string dataset in datasets)
            foreach (int seed in seeds)
            {
                Console.Error.WriteLine($"outofbox: {dataset}, seed {seed}");
                results.Add(RunSet(OutOfBoxSets.Make(dataset, seed, outDir)));
            }
        string markdown = OutOfBoxReport.Markdown(results);
        Console.Write(markdown);
        File.WriteAllText(Path.Combine(outDir, "outofbox.md"), markdown);
    }

    private static SetResult RunSet(PlantedSet set)
    {
        var kinds = set.Kinds();
        var gate = GateRun.Run(set.DataFile, set.Folder, set.Labels.Length);
        var methods = new List<MethodResult>
        {
            Evaluate("gate", gate.Score, gate.Finding.Select(f => f is not null).ToArray(), kinds, gate.Seconds),
        };
        // Image sets: the same starter on pixels, without the pretrained backbone, side by side.
        if (File.ReadAllText(Path.Combine(set.Folder, "smoothinfo.yml")).Contains("backbone: resnet18", StringComparison.Ordinal))
        {
            var pixels = GateRun.Run(set.DataFile, Path.Combine(set.Folder, "pixels"), set.Labels.Length, withoutKey: "backbone:");
            methods.Add(Evaluate("gate, pixels (no backbone)", pixels.Score, pixels.Finding.Select(f => f is not null).ToArray(), kinds, pixels.Seconds));
        }

        var watch = Stopwatch.StartNew();
        var (cleanlabScore, cleanlabFlags, iterations) = CleanlabRecipe(set);
        methods.Add(Evaluate("cleanlab recipe", cleanlabScore, cleanlabFlags, kinds, watch.Elapsed.TotalSeconds));

        watch.Restart();
        var forest = IsolationForest.Scores(Standardized(set.Features), trees: 100, subsample: 256, seed: set.Seed);
        methods.Add(Evaluate("isolation forest", forest, forest.Select(s => s > 0.5).ToArray(), kinds, watch.Elapsed.TotalSeconds));

        if (set.DrawnFrom is not null)
        {
            watch.Restart();
            var (referenceScore, disputed) = ReferenceClassifier(set);
            methods.Add(Evaluate(ReferenceMethod, referenceScore, disputed, kinds, watch.Elapsed.TotalSeconds));
        }
        return new SetResult(set, gate.ScoreField, methods, gate.Finding, iterations);
    }

    public const string ReferenceMethod = "reference: MLP trained on the 68,000 other images (not a peer)";

    /// <summary>
    /// Not a peer but a yardstick for what label disagreement can reach on these images: the 784-256-10 MLP trained on every
    /// Fashion-MNIST image the set does not hold (the other 58,000 training images and the 10,000 test images, true labels,
    /// 34 times the set), scoring 1 - p[label] on the planted set and flagging where its top class is not the label.
    /// </summary>
    private static (double[] Score, bool[] Disputed) ReferenceClassifier(PlantedSet set)
    {
        using var scope = NewDisposeScope();
        var train = FashionMnist.Train();
        var test = FashionMnist.Test();
        var held = set.DrawnFrom!.ToHashSet();
        var rows = Enumerable.Range(0, train.Count).Where(i => !held.Contains(i)).ToArray();
        var x = cat(new[] { FashionMnist.Pixels(train, rows), FashionMnist.Pixels(test, Enumerable.Range(0, test.Count)) }).to(float32) / 255f;
        var y = cat(new[] { FashionMnist.Labels(train, rows), FashionMnist.Labels(test, Enumerable.Range(0, test.Count)) });
        using var reference = PixelClassifier.Train(x, y, set.Seed, out double accuracy);
        var planted = tensor(set.Features.SelectMany(r => r).ToArray(), new long[] { set.Labels.Length, 784 }).to(float32) / 255f;
        var p = reference.Probabilities(planted).to(float64);
        var label = tensor(set.Labels.Select(l => (long)l).ToArray());
        var score = (1 - p.gather(1, label.unsqueeze(1)).squeeze(1)).data<double>().ToArray();
        var disputed = p.argmax(1).ne(label).data<bool>().ToArray();
        Console.Error.WriteLine($"outofbox: reference classifier, accuracy {accuracy:P1} on its own {rows.Length + test.Count} training images");
        return (score, disputed);
    }

    /// <summary>K = 5 stratified folds, lambda = 1 on the summed loss (sklearn's C = 1; here the intercept is penalized too).</summary>
    private static (double[] Score, bool[] Flagged, int Iterations) CleanlabRecipe(PlantedSet set)
    {
        using var scope = NewDisposeScope();
        int n = set.Labels.Length, d = set.Features[0].Length;
        var x = tensor(set.Features.SelectMany(r => r).ToArray(), new long[] { n, d }, float64);
        var folds = ConfidentLearning.Folds(set.Labels, 5, set.Seed);
        var p = ConfidentLearning.OutOfSampleProbabilities(x, null, set.Labels, set.Classes, lambda: 1, folds, out int iterations, standardize: true);
        var analysis = ConfidentLearning.Analyze(p, set.Labels);
        return (analysis.SelfConfidenceScore, analysis.PruneByNoiseRate, iterations);
    }

    /// <summary>Each feature to mean 0, sd 1 over all rows (the forest is unsupervised: no folds); constant features stay 0.</summary>
    private static double[][] Standardized(double[][] rows)
    {
        int d = rows[0].Length;
        var mean = Enumerable.Range(0, d).Select(f => rows.Average(r => r[f])).ToArray();
        var sd = Enumerable.Range(0, d).Select(f => Math.Sqrt(rows.Average(r => (r[f] - mean[f]) * (r[f] - mean[f])))).ToArray();
        return rows.Select(r => r.Select((v, f) => sd[f] > 0 ? (v - mean[f]) / sd[f] : 0).ToArray()).ToArray();
    }

    public static MethodResult Evaluate(string method, double[] score, bool[] flagged, string?[] kinds, double seconds)
    {
        int findings = flagged.Count(f => f), hits = Enumerable.Range(0, kinds.Length).Count(i => flagged[i] && kinds[i] is not null);
        int planted = kinds.Count(k => k is not null);
        return new MethodResult(method, Auroc.OfKind(score, kinds, "mislabeled"), Auroc.OfKind(score, kinds, "corrupted"),
            Auroc.OfKind(score, kinds, "adversarial"), Auroc.OfKind(score, kinds, null), findings,
            findings == 0 ? double.NaN : (double)hits / findings, planted == 0 ? double.NaN : (double)hits / planted, seconds,
            Auroc.PrecisionAtRecall(score, kinds, 0.9));
    }
}
