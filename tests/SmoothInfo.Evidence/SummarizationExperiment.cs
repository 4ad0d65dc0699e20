using SmoothInfo.Estimation;
using SmoothInfo.Kernels;
using SmoothInfo.Policy.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>
/// The paper's dataset summarization: drop the x% least informative training samples (lowest F-SI) or x% at random,
/// retrain, and compare test accuracy. Regime: the served model with its last layer retrained (the linearized model is
/// then exact: ridge regression on the head's inputs, to convergence), 2,000 clean training images, tested on 10,000
/// other training-split images (the served model saw the test split).
/// </summary>
public static class SummarizationExperiment
{
    private const double WeightDecay = 1;

    public static void Run(int seed, double[] fractions, int randomRepeats)
    {
        var train = FashionMnist.Train();
        var order = Enumerable.Range(0, train.Count).ToArray();
        new Random(seed).Shuffle(order);
        var trainRows = order.Take(2000).ToArray();
        var testRows = order.Skip(2000).Take(10000).ToArray();

        using var network = Pretraining.ServedModel(out _);
        var targets = nn.functional.one_hot(FashionMnist.Labels(train, trainRows), 10).to(float64);
        var problem = LinearHead.Problem(network, FashionMnist.Pixels(train, trainRows), targets, FashionMnist.Pixels(train, testRows));
        var testLabels = FashionMnist.Labels(train, testRows);
        var run = new TrainingRun(1, double.PositiveInfinity, WeightDecay, TrainingDynamics.Continuous, LossReduction.Sum);
        var result = LinearHeadLeaveOneOut.Compute(problem, run);
        double[] fsi = result.FunctionalSI(1).data<double>().ToArray();

        double Accuracy(IReadOnlyList<int> kept) => HeadRidgeAccuracy.Of(problem, kept, testLabels, WeightDecay);

        var all = Enumerable.Range(0, 2000).ToArray();
        double full = Accuracy(all);
        Console.WriteLine($"all 2,000: test accuracy {full:P2} (10,000 test images)");
        Console.WriteLine("| dropped | least informative (lowest F-SI) | most informative (highest F-SI) | random (mean of " + randomRepeats + ") |");
        Console.WriteLine("|---|---|---|---|");
        var ascending = all.OrderBy(i => fsi[i]).ThenBy(i => i).ToArray();
        var (leastPoints, mostPoints, randomPoints) = (new List<(double, double)> { (0, full) }, new List<(double, double)> { (0, full) }, new List<(double, double)> { (0, full) });
        foreach (double fraction in fractions)
        {
            int drop = (int)Math.Round(fraction * 2000);
            double least = Accuracy(ascending.Skip(drop).ToArray());
            double most = Accuracy(ascending.Take(2000 - drop).ToArray());
            double random = Enumerable.Range(0, randomRepeats).Average(r =>
            {
                var shuffled = all.ToArray();
                new Random(seed * 1000 + r).Shuffle(shuffled);
                return Accuracy(shuffled.Skip(drop).ToArray());
            });
            Console.WriteLine($"| {fraction:P0} | {least:P2} | {most:P2} | {random:P2} |");
            leastPoints.Add((fraction, least));
            mostPoints.Add((fraction, most));
            randomPoints.Add((fraction, random));
        }
        Plots.Write("summarization.svg", "Test accuracy after dropping part of 2,000 training images", "fraction dropped", "test accuracy",
            new[] { new Series("least informative (low F-SI)", leastPoints), new Series($"random (mean of {randomRepeats})", randomPoints),
                new Series("most informative (high F-SI)", mostPoints) });
    }
}
