using SmoothInfo.Estimation;
using SmoothInfo.Gate;
using SmoothInfo.Models;
using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>
/// Issue 12 (f): weight SI against F-SI per sample. The served model linearized in its last layer (or its last L layers),
/// through the gate's own route (<see cref="LeaveOneOutRun"/>, t = infinity, sum loss, weight decay lambda), with a held-out
/// set, so F-SI is the paper's (on held-out inputs); the training-set F-SI the gate used before heldOut is shown beside it.
/// n training images with a share of labels flipped, several seeds.
/// </summary>
public static class WeightFunctionalExperiment
{
    public static void Run(int n, int heldOut, double flipRate, double lambda, int[] seeds, int[] layerCounts)
    {
        using var network = Pretraining.ServedModel(out _);
        int flips = (int)Math.Round(flipRate * n);
        var run = new TrainingRun(1, double.PositiveInfinity, lambda, TrainingDynamics.Continuous, LossReduction.Sum);
        Console.WriteLine($"{n} training images ({flips} labels flipped), {heldOut} held-out images, t = infinity, weight decay {lambda}, sum loss, sigma 1");
        Console.WriteLine("| linearized | seed | Spearman(weight SI, F-SI) | Pearson(log weight SI, log F-SI) | Spearman(F-SI, train-set F-SI) | " +
                          "AUROC flipped: weight SI | F-SI | train-set F-SI |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        var scatter = new List<Series>();
        foreach (int seed in seeds)
        {
            var data = FlippedSubset.Make(n, n, heldOut, flips, seed);
            var kinds = Enumerable.Range(0, n).Select(i => data.Flipped.Contains(i) ? "flipped" : null).ToArray();
            foreach (int layers in layerCounts)
            {
                using var scope = NewDisposeScope();
                var (result, plan) = GateRoute.Estimate(network, ParameterSelection.LastLayers(layers), data.Pixels, tensor(data.Labels), run,
                    heldOut: data.TestPixels);
                double[] weight = result.WeightSI(1).data<double>().ToArray();
                double[] functional = result.FunctionalSI(1).data<double>().ToArray();
                double[] trainSet = (result.TrainPredictionChange * ((n - 1) / 2.0)).data<double>().ToArray();
                string name = layers == 1 ? "last layer" : $"last {layers} layers";
                Console.WriteLine($"| {name} ({plan.Route}) | {seed} | {Correlation.Spearman(weight, functional):F3} | " +
                                  $"{Correlation.Pearson(weight.Select(v => Math.Log(v)).ToArray(), functional.Select(v => Math.Log(v)).ToArray()):F3} | " +
                                  $"{Correlation.Spearman(functional, trainSet):F3} | {Auroc.OfKind(weight, kinds, "flipped"):F3} | " +
                                  $"{Auroc.OfKind(functional, kinds, "flipped"):F3} | {Auroc.OfKind(trainSet, kinds, "flipped"):F3} |");
                if (seed != seeds[0]) continue;
                foreach (bool isFlipped in new[] { false, true })
                    scatter.Add(new Series($"{name}, {(isFlipped ? "flipped" : "clean")}",
                        Enumerable.Range(0, n).Where(i => data.Flipped.Contains(i) == isFlipped).Select(i => (weight[i], functional[i])).ToList(), Lines: false));
            }
        }
        Plots.Write("weight-vs-functional.svg", $"Weight SI against held-out F-SI per sample (seed {seeds[0]})", "weight SI (nats)", "F-SI (nats)",
            scatter, logX: true, logY: true);
    }
}
