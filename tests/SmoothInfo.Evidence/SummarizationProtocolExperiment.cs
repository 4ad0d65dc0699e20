using SmoothInfo.Estimation;
using SmoothInfo.Gate;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>
/// Issue 12 (c), the paper's summarization protocol (the authors' prepare_informativeness_orders_for_data_summarization.py):
/// remove the 5% of the remaining samples with the lowest F-SI, recompute F-SI on what is left, repeat until 95% are
/// removed, and compare the test accuracy of the model retrained on what is kept
/// against removing the same number at random and against removing by the F-SI of the full set once (what
/// <see cref="SummarizationExperiment"/> does). Regime as there: the served model with its last layer retrained
/// (<see cref="HeadRidgeAccuracy"/>), F-SI from the gate's own route (<see cref="LeaveOneOutRun"/>, t = infinity, sum loss)
/// on a held-out set of unlabelled images disjoint from the test images. Several seeds draw the subsets.
/// </summary>
public static class SummarizationProtocolExperiment
{
    private const double WeightDecay = 1;

    public static void Run(int n, int heldOut, int testCount, int[] seeds, int randomRepeats)
    {
        var train = FashionMnist.Train();
        using var network = Pretraining.ServedModel(out _);
        var run = new TrainingRun(1, double.PositiveInfinity, WeightDecay, TrainingDynamics.Continuous, LossReduction.Sum);
        var fractions = Enumerable.Range(0, 20).Select(j => j * 0.05).ToArray();   // removed: 0, 5%, ..., 95%
        var curves = new Dictionary<string, double[][]> { ["iterative"] = new double[seeds.Length][], ["one-shot"] = new double[seeds.Length][], ["random"] = new double[seeds.Length][] };
        for (int s = 0; s < seeds.Length; s++)
        {
            var rows = Enumerable.Range(0, train.Count).ToArray();
            new Random(seeds[s]).Shuffle(rows);
            var trainRows = rows.Take(n).ToArray();
            var heldOutPixels = FashionMnist.Pixels(train, rows.Skip(n).Take(heldOut));
            var testRows = rows.Skip(n + heldOut).Take(testCount).ToArray();
            var (pixels, labels) = (FashionMnist.Pixels(train, trainRows), FashionMnist.Labels(train, trainRows));
            var problem = LinearHead.Problem(network, pixels, nn.functional.one_hot(labels, 10).to(float64), FashionMnist.Pixels(train, testRows));
            var testLabels = FashionMnist.Labels(train, testRows);
            double Accuracy(IEnumerable<int> subset) => HeadRidgeAccuracy.Of(problem, subset.ToArray(), testLabels, WeightDecay);
            double[] FunctionalSI(IReadOnlyList<int> subset)
            {
                using var scope = NewDisposeScope();
                var index = tensor(subset.Select(i => (long)i).ToArray());
                var (result, _) = GateRoute.Estimate(network, ParameterSelection.LastLayers(1), pixels.index_select(0, index), labels.index_select(0, index),
                    run, heldOut: heldOutPixels);
                return result.FunctionalSI(1).data<double>().ToArray();
            }

            // Iterative, as the authors' script does: recompute F-SI on the kept samples, drop the 5% of them with the lowest (ties
            // by index), until 95% are dropped; the order is the drops, then the rest by its last F-SI.
            var kept = Enumerable.Range(0, n).ToList();
            var order = new List<int>();
            int iterations = 0;
            while (true)
            {
                var fsi = FunctionalSI(kept);
                iterations++;
                var ranked = Enumerable.Range(0, kept.Count).OrderBy(i => fsi[i]).ThenBy(i => kept[i]).Select(i => kept[i]).ToList();
                if (order.Count >= 0.95 * n)
                {
                    order.AddRange(ranked);
                    break;
                }
                var dropped = ranked.Take(Math.Max(1, (int)(0.05 * kept.Count))).ToList();
                order.AddRange(dropped);
                kept = kept.Except(dropped).ToList();
            }
            var iterative = fractions.Select(f => Accuracy(order.Skip((int)Math.Round(f * n)))).ToArray();
            var once = FunctionalSI(Enumerable.Range(0, n).ToArray());
            var ascending = Enumerable.Range(0, n).OrderBy(i => once[i]).ThenBy(i => i).ToArray();
            var random = Enumerable.Range(0, randomRepeats).Select(r =>
            {
                var shuffled = Enumerable.Range(0, n).ToArray();
                new Random(seeds[s] * 1000 + r).Shuffle(shuffled);
                return shuffled;
            }).ToArray();
            curves["iterative"][s] = iterative;
            curves["one-shot"][s] = fractions.Select(f => Accuracy(ascending.Skip((int)Math.Round(f * n)))).ToArray();
            curves["random"][s] = fractions.Select(f => random.Average(p => Accuracy(p.Skip((int)Math.Round(f * n))))).ToArray();
            Console.WriteLine($"seed {seeds[s]}: {n} training images, F-SI on {heldOut} held-out images, accuracy on {testCount} test images; " +
                              $"all kept {iterative[0]:P2}; {iterations} F-SI computations");
        }

        Console.WriteLine($"| removed | iterative lowest F-SI | one-shot lowest F-SI | random (mean of {randomRepeats} per seed) | iterative - random |");
        Console.WriteLine("|---|---|---|---|---|");
        for (int j = 0; j < fractions.Length; j++)
        {
            string Cell(string curve) => MeanSd(curves[curve].Select(c => c[j]).ToArray());
            Console.WriteLine($"| {fractions[j]:P0} | {Cell("iterative")} | {Cell("one-shot")} | {Cell("random")} | " +
                              $"{MeanSd(curves["iterative"].Zip(curves["random"], (a, b) => a[j] - b[j]).ToArray())} |");
        }
        Plots.Write("summarization-protocol.svg", $"Removing 5% at a time ({n} training images, mean of seeds {string.Join(", ", seeds)})", "fraction removed",
            "test accuracy", curves.Select(c => new Series(c.Key switch
            {
                "iterative" => "lowest F-SI, recomputed each step",
                "one-shot" => "lowest F-SI of the full set",
                _ => "random",
            }, fractions.Select((f, j) => (f, c.Value.Average(curve => curve[j]))).ToList())).ToList());
    }

    /// <summary>Mean and standard deviation over seeds, in percent points.</summary>
    private static string MeanSd(double[] values)
    {
        double mean = values.Average();
        double sd = values.Length > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)) : 0;
        return $"{100 * mean:F2} ± {100 * sd:F2}";
    }
}
