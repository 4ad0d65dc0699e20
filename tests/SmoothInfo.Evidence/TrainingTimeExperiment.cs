using SmoothInfo.Estimation;
using SmoothInfo.Kernels;
using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>
/// Issue 12 (e): SI across training time t, clean against mislabeled samples. The served model's last layer trained by
/// gradient flow from the served weights (sum loss, no weight decay: time alone limits training) on n training images
/// with a share of labels flipped; weight SI and held-out F-SI (sigma 1) of every sample at t on a log grid, exactly
/// (<see cref="LeaveOneOutOverTime"/>). Time is in units of 1 / lambda_max of the head's kernel.
/// </summary>
public static class TrainingTimeExperiment
{
    private static readonly double[] Times = { 0.1, 1, 10, 100, 1e3, 1e4, 1e5 };

    public static void Run(int n, int heldOut, double flipRate, int[] seeds)
    {
        using var network = Pretraining.ServedModel(out _);
        int flips = (int)Math.Round(flipRate * n);
        var series = new List<(string Name, List<(double, double)> Weight, List<(double, double)> Functional)>();
        Console.WriteLine($"{n} training images ({flips} labels flipped), F-SI on {heldOut} held-out images; gradient flow, sum loss, no weight decay");
        Console.WriteLine("| seed | t λmax | median weight SI clean | flipped | median F-SI clean | flipped | AUROC flipped vs clean: weight SI | F-SI |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (int seed in seeds)
        {
            var data = FlippedSubset.Make(n, n, heldOut, flips, seed);
            var head = LinearHead.Problem(network, data.Pixels, data.Targets, data.TestPixels);
            var phi = cat(new[] { head.Features, ones(n, 1, dtype: float64) }, 1);
            var phiTest = cat(new[] { head.TestFeatures!, ones(heldOut, 1, dtype: float64) }, 1);
            var kernel = phi.matmul(phi.T);                       // the head's kernel with its bias: Theta = K (x) I_k
            double largest = linalg.eigvalsh(kernel).max().item<double>();
            var run = new TrainingRun(1 / largest, 1, 0, TrainingDynamics.Continuous, LossReduction.Sum);
            var results = LeaveOneOutOverTime.Compute(new ClassSharedProblem(kernel, data.Targets, head.InitialPredictions, phiTest.matmul(phi.T)), run, Times);
            var kinds = Enumerable.Range(0, n).Select(i => data.Flipped.Contains(i) ? "flipped" : null).ToArray();
            var clean = Enumerable.Range(0, n).Where(i => kinds[i] is null).ToArray();
            var flipped = data.Flipped.ToArray();
            var curves = (Name: $"seed {seed}", Weight: new List<(double, double)>(), Functional: new List<(double, double)>());
            var flippedCurves = (Name: $"seed {seed} flipped", Weight: new List<(double, double)>(), Functional: new List<(double, double)>());
            for (int t = 0; t < Times.Length; t++)
            {
                double[] weight = results[t].WeightSI(1).data<double>().ToArray(), functional = results[t].FunctionalSI(1).data<double>().ToArray();
                double Median(double[] values, int[] rows) => rows.Select(i => values[i]).Order().ElementAt(rows.Length / 2);
                Console.WriteLine($"| {seed} | {Times[t]:G3} | {Median(weight, clean):G3} | {Median(weight, flipped):G3} | {Median(functional, clean):G3} | " +
                                  $"{Median(functional, flipped):G3} | {Auroc.OfKind(weight, kinds, "flipped"):F3} | {Auroc.OfKind(functional, kinds, "flipped"):F3} |");
                curves.Weight.Add((Times[t], Median(weight, clean)));
                curves.Functional.Add((Times[t], Median(functional, clean)));
                flippedCurves.Weight.Add((Times[t], Median(weight, flipped)));
                flippedCurves.Functional.Add((Times[t], Median(functional, flipped)));
            }
            series.Add(($"clean, {curves.Name}", curves.Weight, curves.Functional));
            series.Add(($"flipped, {curves.Name}", flippedCurves.Weight, flippedCurves.Functional));
        }
        Plots.Write("training-time-weight.svg", "Median weight SI across training time", "t λmax (gradient flow)", "median weight SI (nats)",
            series.Select(s => new Series(s.Name, s.Weight)).ToList(), logX: true, logY: true);
        Plots.Write("training-time-functional.svg", "Median held-out F-SI across training time", "t λmax (gradient flow)", "median F-SI (nats)",
            series.Select(s => new Series(s.Name, s.Functional)).ToList(), logX: true, logY: true);
    }
}
