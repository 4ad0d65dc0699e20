using SmoothInfo.Data;
using InputOutlierRule = SmoothInfo.Policy.Model.InputOutlierRule;
using LossReduction = SmoothInfo.Policy.Model.LossReduction;
using SmoothInfo.Estimation;
using SmoothInfo.Kernels;
using ThresholdKind = SmoothInfo.Policy.Model.ThresholdKind;
using TrainingDynamics = SmoothInfo.Policy.Model.TrainingDynamics;
using SmoothInfo.Rules;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>
/// AUROC of each candidate signal on planted subsets in the fine-tuned-head regime: a served MLP trained on the test split,
/// only its last layer linearized (t = infinity). SMALL=1 plants the sample project's handful and prints their ranks instead.
/// </summary>
public static class DetectionExperiment
{
    /// <param name="pretraining">t10k: the served model learns from the test split only; disjoint: from everything the subset does not hold.</param>
    public static void Run(int[] seeds, int[] widths, double[] lambdas, int epochs, string pretraining = "t10k")
    {
        var train = FashionMnist.Train();
        var test = FashionMnist.Test();
        foreach (int seed in seeds)
        {
            bool small = Environment.GetEnvironmentVariable("SMALL") == "1";
            var subset = small ? Plants.Make(train, count: 2000, flips: 4, corrupted: 3, adversarial: 3, seed) : Plants.Make(train, count: 2000, flips: 80, corrupted: 40, adversarial: 40, seed);
            var (pixels, classes) = pretraining == "disjoint" ? Pretraining.Disjoint(train, test, subset.Chosen)
                : (DatasetTensors.Features(test, ScalarType.Float64).reshape(test.Count, 784), DatasetTensors.Labels(test));
            using var network = Pretraining.Train(pixels, classes, widths, epochs, seed: 7, out double accuracy);
            Console.WriteLine($"pretrained {string.Join("-", widths)} on {pretraining} ({pixels.shape[0]} images), {epochs} epochs: train accuracy {accuracy:P1}");
            var (x, y, kinds) = Plants.AsTensors(subset);
            using (no_grad())
            {
                var clean = tensor(kinds.Select(k => k is null).ToArray());
                var correct = network.call(x).argmax(1).eq(y);
                Console.WriteLine($"seed {seed}: served model accuracy on the subset {correct.to(float64).mean().item<double>():P1} " +
                    $"(clean samples {correct.masked_select(clean).to(float64).mean().item<double>():P1}), surrogate {subset.SurrogateAccuracy:P1}");
            }
            foreach (double lambda in lambdas)
            {
                var targets = nn.functional.one_hot(y, 10).to(float64);
                var problem = LinearHead.Problem(network, x, targets);
                var run = new TrainingRun(1, double.PositiveInfinity, lambda, TrainingDynamics.Continuous, LossReduction.Sum);
                // LAYERS=L linearizes the last L layers through the gate's own route (PROJECTION=p: a sparse-sign projection).
                int layers = int.Parse(Environment.GetEnvironmentVariable("LAYERS") ?? "1");
                int? dimension = Environment.GetEnvironmentVariable("PROJECTION") is { } p ? int.Parse(p) : null;
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var result = layers == 1 ? LinearHeadLeaveOneOut.Compute(problem, run)
                    : GateRoute.Estimate(network, Models.ParameterSelection.LastLayers(layers), x, y, run, dimension is { } d ? new JacobianProjection(ProjectionKind.SparseSign, d, seed) : null).Result;
                Console.WriteLine($"    last {layers} layer(s) linearized{(dimension is { } dd ? $", sparse-sign projection to {dd}" : "")}: {clock.Elapsed.TotalSeconds:F1} s");
                var leverage = Leverage(problem, lambda);
                double[] w = result.WeightChange.data<double>().ToArray();
                double[] f = result.TrainPredictionChange.data<double>().ToArray();
                double[] loo = result.LeaveOneOutPrediction.contiguous().data<double>().ToArray();
                var signals = Enumerable.Range(0, 2000).Select(i => new SampleSignals(i, subset.Labels[i], w[i], f[i], loo.AsSpan(i * 10, 10).ToArray())).ToList();
                // Which category the gate would give each planted sample (CategoryClassifier), per planted kind.
                foreach (var kind in new[] { "mislabeled", "corrupted", "adversarial" })
                {
                    var given = signals.Where(g => kinds[g.Index] == kind).GroupBy(CategoryClassifier.Classify)
                        .OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
                    Console.WriteLine($"    categories of planted {kind}: {string.Join(", ", given)}");
                }
                var clean = signals.Where(g => kinds[g.Index] is null).GroupBy(CategoryClassifier.Classify).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
                Console.WriteLine($"    categories of clean samples: {string.Join(", ", clean)}");
                var candidates = new Dictionary<string, double[]>
                {
                    ["weight SI"] = w,
                    ["F-SI"] = f,
                    ["-LOO margin"] = signals.Select(s => -s.LooMargin).ToArray(),
                    ["-LOO label"] = signals.Select(s => -s.LooPrediction[s.Label]).ToArray(),
                    ["leverage"] = leverage,
                    ["LOO cross-entropy"] = CrossEntropy(result.LeaveOneOutPrediction, y),
                    ["served cross-entropy"] = CrossEntropy(problem.InitialPredictions, y),
                    ["LOO residual"] = (targets - result.LeaveOneOutPrediction).square().sum(1).data<double>().ToArray(),
                    ["label surprise"] = signals.Select(s => s.LabelSurprise).ToArray(),
                };
                var atypical = Atypicality(problem.Features, 10);
                candidates["atypicality (kNN cos)"] = atypical;
                // How pure the far tail of feature-space atypicality is, as a separate rule would use it.
                var zAtypical = Z(atypical);
                foreach (double t in new[] { 4.0, 5.0, 6.0, 8.0 })
                {
                    var tail = Enumerable.Range(0, 2000).Where(i => zAtypical[i] > t).ToList();
                    Console.WriteLine($"    feature atypicality z > {t}: {tail.Count} flagged: flips {tail.Count(i => kinds[i] == "mislabeled")}, corrupted {tail.Count(i => kinds[i] == "corrupted")}, adversarial {tail.Count(i => kinds[i] == "adversarial")}, clean {tail.Count(i => kinds[i] is null)}");
                }
                var pixelAtypical = Atypicality(x, 10);
                candidates["pixel atypicality"] = pixelAtypical;
                candidates["max z(-label, pixatyp)"] = Z(candidates["-LOO label"]).Zip(Z(pixelAtypical), Math.Max).ToArray();
                // The gate's input rule: distance from the principal subspace holding 90% of the variance, as a robust z.
                var residual = PrincipalSubspaceResidual.Compute(x);
                signals = signals.Select(s => s with { InputResidual = residual.Distance[s.Index] }).ToList();
                candidates["input residual"] = residual.Distance;
                candidates["max z(surprise, input)"] = Z(candidates["label surprise"]).Zip(Z(residual.Distance), Math.Max).ToArray();
                DefaultPolicy(signals, kinds, residual.Components);
                // A label signal from raw pixels (ridge regression's closed-form leave-one-out), alone and with ours.
                var pixelSurprise = LabelSurprise(RidgeLeaveOneOut(x, targets, 10), subset.Labels);
                candidates["pixel ridge surprise"] = pixelSurprise;
                candidates["max z(surprise, pixel)"] = Z(candidates["label surprise"]).Zip(Z(pixelSurprise), Math.Max).ToArray();
                // SMOOTH=s1,s2: the head on features averaged over 16 Gaussian input perturbations of standard deviation s
                // (pixels in [0, 1]): PGD perturbations are brittle, so a poison's smoothed features may fall back to its source class.
                foreach (double noise in (Environment.GetEnvironmentVariable("SMOOTH") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(double.Parse))
                {
                    var smoothed = SmoothedProblem(network, x, targets, noise, draws: 16, seed);
                    var smoothedSurprise = LabelSurprise(LinearHeadLeaveOneOut.Compute(smoothed, run).LeaveOneOutPrediction, subset.Labels);
                    candidates[$"smoothed {noise} surprise"] = smoothedSurprise;
                    candidates[$"max z(surprise, smooth {noise})"] = Z(candidates["label surprise"]).Zip(Z(smoothedSurprise), Math.Max).ToArray();
                    candidates[$"sum surprise + smooth {noise}"] = candidates["label surprise"].Zip(smoothedSurprise, (a, b) => a + b).ToArray();
                }
                candidates["max z(-label, atyp)"] = Z(candidates["-LOO label"]).Zip(Z(atypical), Math.Max).ToArray();
                candidates["max z(-label, logF, atyp)"] = Z(candidates["-LOO label"]).Zip(Z(atypical), Math.Max).Zip(Z(f.Select(v => Math.Log(v)).ToArray()), Math.Max).ToArray();
                candidates["sum z(-label, atyp)"] = Z(candidates["-LOO label"]).Zip(Z(atypical), (a, b) => a + b).ToArray();
                var zMargin = Z(candidates["-LOO margin"]);
                var zLeverage = Z(leverage);
                var zW = Z(w.Select(v => Math.Log(v)).ToArray());
                candidates["max z(margin, leverage)"] = zMargin.Zip(zLeverage, Math.Max).ToArray();
                candidates["max z(margin, lev, logW)"] = zMargin.Zip(zLeverage, Math.Max).Zip(zW, Math.Max).ToArray();
                Console.WriteLine($"  lambda {lambda}:");
                // Precision and recall of threshold rules on the gate's score (F-SI): the schema's default and others.
                var fsi = new ScoreDistribution(f);
                foreach (var (kind, threshold) in new[] { (ThresholdKind.RobustZ, 3.5), (ThresholdKind.RobustZ, 10.0), (ThresholdKind.Quantile, 0.95), (ThresholdKind.Quantile, 0.99) })
                {
                    var flagged = Enumerable.Range(0, 2000).Where(i => fsi.Exceeds(f[i], kind, threshold)).ToList();
                    int hits = flagged.Count(i => kinds[i] is not null), planted = kinds.Count(k => k is not null);
                    Console.WriteLine($"    F-SI {kind} {threshold}: {flagged.Count} flagged, precision {(flagged.Count == 0 ? 0 : hits / (double)flagged.Count):P0}, recall {hits / (double)planted:P0}");
                }
                // The same for the gate's default score, the label surprise (sigma 1).
                var surprise = signals.Select(s => s.LabelSurprise).ToArray();
                var surprises = new ScoreDistribution(surprise);
                Console.WriteLine($"    label surprise: {surprise.Count(v => v == 0)} of 2000 are 0, median {surprises.Median:G3}");
                foreach (var (kind, threshold) in new[] { 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5 }.Select(t => (ThresholdKind.Absolute, t)).Concat(new[] { (ThresholdKind.RobustZ, 3.5), (ThresholdKind.RobustZ, 10.0), (ThresholdKind.Quantile, 0.92) }))
                {
                    var flagged = Enumerable.Range(0, 2000).Where(i => surprises.Exceeds(surprise[i], kind, threshold)).ToList();
                    int hits = flagged.Count(i => kinds[i] is not null), planted = kinds.Count(k => k is not null);
                    double precision = flagged.Count == 0 ? 0 : hits / (double)flagged.Count, recall = hits / (double)planted;
                    Console.WriteLine($"    surprise {kind} {threshold}: {flagged.Count} flagged, precision {precision:P0}, recall {recall:P0}, F1 {(hits == 0 ? 0 : 2 * precision * recall / (precision + recall)):F2}");
                }
                if (seed == seeds[0] && lambda == lambdas[0]) Plot(seed, lambda, candidates, kinds, surprise);
                foreach (var (name, scores) in candidates)
                {
                    string Row(string? kind) => Auroc.OfKind(scores, kinds, kind).ToString("F3");
                    if (small)
                    {
                        var rank = Enumerable.Range(0, 2000).OrderByDescending(i => scores[i]).ThenBy(i => i).Select((i, r) => (i, r)).ToDictionary(t => t.i, t => t.r);
                        var z = Z(scores);
                        Console.WriteLine($"    {name,-28} " + string.Join(" ", subset.Planted.Select(p => $"{p.Kind[0]}{rank[p.Index]}(z{z[p.Index]:F1})")));
                        continue;
                    }
                    Console.WriteLine($"    {name,-28} flips {Row("mislabeled")}  corrupted {Row("corrupted")}  adversarial {Row("adversarial")}  all {Row(null)}");
                }
            }
        }
    }

    /// <summary>ROC curves of the gate's scores, and precision and recall of an absolute label-surprise threshold.</summary>
    private static void Plot(int seed, double lambda, Dictionary<string, double[]> candidates, string?[] kinds, double[] surprise)
    {
        var roc = new List<Series>
        {
            new("label surprise, all", Auroc.Curve(surprise, kinds, null)),
            new("F-SI, all", Auroc.Curve(candidates["F-SI"], kinds, null)),
            new("weight SI, all", Auroc.Curve(candidates["weight SI"], kinds, null)),
        };
        foreach (var kind in new[] { "mislabeled", "corrupted", "adversarial" })
            roc.Add(new($"label surprise, {kind}", Auroc.Curve(surprise, kinds, kind)));
        Plots.Write($"roc-seed{seed}.svg", $"ROC, planted vs clean (seed {seed}, lambda {lambda})", "false positive rate", "true positive rate", roc);

        var thresholds = Enumerable.Range(1, 40).Select(i => i * 0.02).ToArray();
        int planted = kinds.Count(k => k is not null);
        (double X, double Y) Precision(double t)
        {
            var flagged = Enumerable.Range(0, surprise.Length).Where(i => surprise[i] > t).ToList();
            return (t, flagged.Count == 0 ? double.NaN : flagged.Count(i => kinds[i] is not null) / (double)flagged.Count);
        }
        (double X, double Y) Recall(double t) => (t, Enumerable.Range(0, surprise.Length).Count(i => surprise[i] > t && kinds[i] is not null) / (double)planted);
        Plots.Write($"thresholds-seed{seed}.svg", $"Absolute label-surprise threshold (seed {seed}; default 0.3)", "threshold (nats)", "fraction",
            new[] { new Series("precision", thresholds.Select(Precision).ToList()), new Series("recall", thresholds.Select(Recall).ToList()) });
    }

    /// <summary>-log softmax(outputs)[label] per sample: the outputs read as logits.</summary>
    private static double[] CrossEntropy(Tensor outputs, Tensor labels) =>
        (-nn.functional.log_softmax(outputs, 1).gather(1, labels.unsqueeze(1)).squeeze(1)).data<double>().ToArray();

    private static double[] Z(double[] scores)
    {
        var d = new ScoreDistribution(scores);
        return scores.Select(d.RobustZ).ToArray();
    }

    /// <summary>1 - mean cosine similarity to the k nearest other samples in the head's feature space.</summary>
    private static double[] Atypicality(Tensor features, int k)
    {
        var unit = nn.functional.normalize(features, dim: 1);
        var similarity = unit.matmul(unit.t());
        similarity.diagonal().fill_(-2.0);
        var nearest = similarity.topk(k, dim: 1).values.mean(new long[] { 1 });
        return (1 - nearest).data<double>().ToArray();
    }

    /// <summary>
    /// Precision and recall of the default rules (schema defaults, through the gate's RuleEngine) with and without the
    /// input rule, and what each planted kind's recall is.
    /// </summary>
    private static void DefaultPolicy(List<SampleSignals> signals, string?[] kinds, int components)
    {
        var folder = Directory.CreateTempSubdirectory("smoothinfo-defaults");
        File.WriteAllText(Path.Combine(folder.FullName, "x.csv"), "label\n");
        var defaults = Policy.Loading.PolicyLoader.Load(Path.Combine(folder.FullName, "smoothinfo.yml"), "version: 1\ndataset: { format: csv, path: x.csv }\n").Rules;
        folder.Delete(recursive: true);
        var catalog = new SampleCatalog(Enumerable.Range(0, 10).Select(c => c.ToString()).ToList(),
            signals.Select(s => SampleLocator.AtIndex("subset", s.Index)).ToList(), signals.Select(s => s.Index.ToString()).ToList(),
            signals.Select(_ => (string?)null).ToList());
        var scored = signals.Select(s => s with { Scoring = defaults.Score }).ToList();
        var variants = new[] { ("default rules", defaults), ("without the input rule", defaults with { InputOutliers = defaults.InputOutliers with { Enabled = false } }) }
            .Concat(new[] { 3.0, 4.0, 5.0, 6.0, 8.0 }.Select(z => ($"input rule at z {z}", defaults with { InputOutliers = new InputOutlierRule(true, z) })));
        foreach (var (name, rules) in variants)
        {
            var findings = RuleEngine.Evaluate(scored, catalog, rules, Baseline.Empty).Findings;
            int hits = findings.Count(f => kinds[f.SampleIndex] is not null), planted = kinds.Count(k => k is not null);
            string Recall(string kind) => $"{findings.Count(f => kinds[f.SampleIndex] == kind)}/{kinds.Count(k => k == kind)}";
            Console.WriteLine($"    {name} ({components} components): {findings.Count} findings, precision {hits / (double)Math.Max(1, findings.Count):P1}, " +
                $"recall {hits / (double)planted:P1} (flips {Recall("mislabeled")}, corrupted {Recall("corrupted")}, adversarial {Recall("adversarial")}); " +
                $"by the input rule {findings.Count(f => f.InputOutlier)} ({findings.Count(f => f.InputOutlier && kinds[f.SampleIndex] is null)} clean)");
        }
    }

    /// <summary>The linear-head problem on the served network's last-layer features averaged over Gaussian input noise.</summary>
    private static LinearHeadProblem SmoothedProblem(TorchSharp.Modules.Sequential network, Tensor x, Tensor targets, double noise, int draws, int seed)
    {
        var generator = new Generator().manual_seed(seed);
        Tensor? features = null, outputs = null;
        for (int d = 0; d < draws; d++)
        {
            var noisy = (x + 255 * noise * randn(x.shape, dtype: float64, generator: generator)).clamp(0, 255);
            var problem = LinearHead.Problem(network, noisy, targets);
            features = features is null ? problem.Features : features + problem.Features;
            outputs = outputs is null ? problem.InitialPredictions : outputs + problem.InitialPredictions;
        }
        return new LinearHeadProblem(features! / draws, targets, outputs! / draws);
    }

    /// <summary>Closed-form leave-one-out predictions of a ridge regression on raw pixels (plus bias) to one-hot targets.</summary>
    private static Tensor RidgeLeaveOneOut(Tensor x, Tensor targets, double lambda)
    {
        var (z, phi) = Ridge(x, lambda);
        var fitted = z.matmul(phi.t().matmul(targets));
        var h = (z * phi).sum(1, keepdim: true);
        return (fitted - h * targets) / (1 - h);
    }

    private static double[] Leverage(LinearHeadProblem problem, double lambda)
    {
        var (z, phi) = Ridge(problem.Features, lambda);
        return (z * phi).sum(1).data<double>().ToArray();
    }

    /// <summary>Ridge regression on features plus a bias column: Z = Phi (Phi^T Phi + lambda I)^-1, so the hat matrix is Z Phi^T.</summary>
    private static (Tensor Z, Tensor Phi) Ridge(Tensor features, double lambda)
    {
        var phi = cat(new[] { features, ones(features.shape[0], 1, dtype: float64) }, 1);
        var c = lambda * eye(phi.shape[1], dtype: float64) + phi.t().matmul(phi);
        return (linalg.solve(c, phi.t()).t(), phi);
    }

    /// <summary>The gate's label surprise (sigma 1) of leave-one-out predictions [n, k] at the given labels.</summary>
    private static double[] LabelSurprise(Tensor leaveOneOut, int[] labels)
    {
        int k = (int)leaveOneOut.shape[1];
        double[] values = leaveOneOut.to(float64).contiguous().data<double>().ToArray();
        return labels.Select((label, i) => new SampleSignals(i, label, 0, 0, values.AsSpan(i * k, k).ToArray()).LabelSurprise).ToArray();
    }
}
