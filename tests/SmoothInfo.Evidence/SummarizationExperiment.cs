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
        Tensor Pixels(IEnumerable<int> rows) => stack(rows.Select(i => tensor(train[i].Features.ToArray().Select(v => (double)v).ToArray())).ToList());
        Tensor Labels(IEnumerable<int> rows) => tensor(rows.Select(i => (long)train.Labels[i]).ToArray());
        var trainRows = order.Take(2000).ToArray();
        var testRows = order.Skip(2000).Take(10000).ToArray();

        using var network = Pretraining.ServedModel(out _);
        var targets = nn.functional.one_hot(Labels(trainRows), 10).to(float64);
        var problem = LinearHead.Problem(network, Pixels(trainRows), targets, Pixels(testRows));
        var testLabels = Labels(testRows);
        var run = new TrainingRun(1, double.PositiveInfinity, WeightDecay, TrainingDynamics.Continuous, LossReduction.Sum);
        var result = LinearHeadLeaveOneOut.Compute(problem, run);
        double[] fsi = result.FunctionalSI(1).data<double>().ToArray();

        double Accuracy(IReadOnlyList<int> kept)
        {
            using var scope = NewDisposeScope();
            var index = tensor(kept.Select(i => (long)i).ToArray());
            var design = cat(new[] { problem.Features.index_select(0, index), ones(kept.Count, 1, dtype: float64) }, 1);
            var residual = problem.Targets.index_select(0, index) - problem.InitialPredictions.index_select(0, index);
            var gram = design.t().matmul(design) + WeightDecay * eye(design.shape[1], dtype: float64);
            var head = linalg.solve(gram, design.t().matmul(residual));
            var testDesign = cat(new[] { problem.TestFeatures!, ones(problem.TestFeatures!.shape[0], 1, dtype: float64) }, 1);
            var predictions = problem.TestInitialPredictions! + testDesign.matmul(head);
            return predictions.argmax(1).eq(testLabels).to(float64).mean().item<double>();
        }

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
