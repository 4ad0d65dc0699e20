using SmoothInfo.Evidence;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Evidence;

/// <summary>
/// The confident-learning baseline of the evidence benchmark (tests/SmoothInfo.Evidence/ConfidentLearning.cs, compiled in
/// here): the paper's counting on a case worked by hand, and the L-BFGS heads against plain gradient descent.
/// </summary>
public sealed class ConfidentLearningTests
{
    [Test]
    public void ThresholdsConfidentJointAndFlaggedSetsOfAHandWorkedCase()
    {
        // Sample 2 is labelled 0 but looks like class 1; samples 4 and 5 pass no threshold.
        double[,] p = { { 0.9, 0.1 }, { 0.8, 0.2 }, { 0.2, 0.8 }, { 0.1, 0.9 }, { 0.3, 0.7 }, { 0.4, 0.6 } };
        int[] labels = { 0, 0, 0, 1, 1, 1 };
        var result = ConfidentLearning.Analyze(p, labels);

        Assert.That(result.Thresholds[0], Is.EqualTo(1.9 / 3).Within(1e-12));   // mean p_0 over samples labelled 0
        Assert.That(result.Thresholds[1], Is.EqualTo(2.2 / 3).Within(1e-12));
        Assert.That(result.ConfidentJoint, Is.EqualTo(new long[,] { { 2, 1 }, { 0, 1 } }));
        Assert.That(result.OffDiagonal, Is.EqualTo(new[] { false, false, true, false, false, false }));
        // Calibrated joint: row 0 (3 samples) -> 2, 1; row 1 (3 samples) -> 0, 3; PBNR prunes round(6 * 1/6) = 1 from (0, 1).
        Assert.That(result.PruneByNoiseRate, Is.EqualTo(new[] { false, false, true, false, false, false }));
        Assert.That(result.SelfConfidenceScore, Is.EqualTo(new[] { 0.1, 0.2, 0.8, 0.1, 0.3, 0.4 }).Within(1e-12));
    }

    [Test]
    public void FoldsDealEveryClassEvenlyAndDependOnlyOnTheSeed()
    {
        var random = new Random(3);
        var labels = Enumerable.Range(0, 97).Select(_ => random.Next(4)).ToArray();
        var folds = ConfidentLearning.Folds(labels, 5, seed: 11);
        for (int c = 0; c < 4; c++)
        {
            var sizes = Enumerable.Range(0, 5).Select(f => Enumerable.Range(0, labels.Length).Count(i => labels[i] == c && folds[i] == f)).ToArray();
            Assert.That(sizes.Max() - sizes.Min(), Is.LessThanOrEqualTo(1), $"class {c}");
        }
        Assert.That(ConfidentLearning.Folds(labels, 5, seed: 11), Is.EqualTo(folds));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void OutOfSampleProbabilitiesMatchHeadsFittedByPlainGradientDescent(bool withOffset)
    {
        const int n = 30, classes = 3;
        const double lambda = 1;
        var generator = new Generator().manual_seed(5);
        var features = randn(n, 3, dtype: float64, generator: generator);
        var offset = withOffset ? randn(n, classes, dtype: float64, generator: generator) : null;
        var random = new Random(7);
        var labels = Enumerable.Range(0, n).Select(i => i % classes == 0 ? random.Next(classes) : i % classes).ToArray();
        var folds = ConfidentLearning.Folds(labels, 3, seed: 1);

        var fast = ConfidentLearning.OutOfSampleProbabilities(features, offset, labels, classes, lambda, folds, out _);

        var design = cat(new[] { features, ones(n, 1, dtype: float64) }, 1);
        var onehot = nn.functional.one_hot(tensor(labels.Select(l => (long)l).ToArray()), classes).to(float64);
        for (int f = 0; f < 3; f++)
        {
            var train = tensor(Enumerable.Range(0, n).Where(i => folds[i] != f).Select(i => (long)i).ToArray());
            var (x, y) = (design.index_select(0, train), onehot.index_select(0, train));
            var o = offset?.index_select(0, train);
            // The regularized cross-entropy is lambda-strongly convex and (||X||^2 / 2 + lambda)-smooth: steps of 1 / smoothness converge.
            double step = 1 / (0.5 * linalg.matrix_norm(x, 2).square().item<double>() + lambda);
            var w = zeros(design.shape[1], classes, dtype: float64);
            for (int t = 0; t < 3000; t++)
            {
                var logits = o is null ? x.matmul(w) : x.matmul(w) + o;
                w = w - step * (x.t().matmul(nn.functional.softmax(logits, 1) - y) + lambda * w);
            }
            foreach (int i in Enumerable.Range(0, n).Where(i => folds[i] == f))
            {
                var logits = design[i].unsqueeze(0).matmul(w);
                if (offset is not null) logits += offset[i].unsqueeze(0);
                var slow = nn.functional.softmax(logits, 1).squeeze(0).data<double>().ToArray();
                for (int c = 0; c < classes; c++) Assert.That(fast[i, c], Is.EqualTo(slow[c]).Within(1e-7), $"sample {i}, class {c}");
            }
        }
    }

    [Test]
    public void StandardizingUsesTheTrainingFoldsStatisticsOnly()
    {
        const int n = 40, classes = 2;
        var generator = new Generator().manual_seed(8);
        var features = randn(n, 3, dtype: float64, generator: generator) * tensor(new[] { 1.0, 50.0, 0.01 }, float64) + 7;
        var labels = Enumerable.Range(0, n).Select(i => i % classes).ToArray();
        var folds = ConfidentLearning.Folds(labels, 4, seed: 2);

        var standardized = ConfidentLearning.OutOfSampleProbabilities(features, null, labels, classes, 1, folds, out _, standardize: true);

        for (int f = 0; f < 4; f++)
        {
            // By hand: this fold's training rows give the mean and sd; the same head is then fitted on the scaled features.
            var train = tensor(Enumerable.Range(0, n).Where(i => folds[i] != f).Select(i => (long)i).ToArray());
            var rows = features.index_select(0, train);
            var scaled = (features - rows.mean(new long[] { 0 }, keepdim: true)) / rows.std(0, unbiased: false, keepdim: true);
            var byHand = ConfidentLearning.OutOfSampleProbabilities(scaled, null, labels, classes, 1, folds, out _);
            foreach (int i in Enumerable.Range(0, n).Where(i => folds[i] == f))
                for (int c = 0; c < classes; c++) Assert.That(standardized[i, c], Is.EqualTo(byHand[i, c]).Within(1e-7), $"sample {i}, class {c}");
        }
    }
}
