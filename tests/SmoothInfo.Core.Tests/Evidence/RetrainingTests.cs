using SmoothInfo.Evidence;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Evidence;

/// <summary>
/// The evidence tool's two real-retraining paths (tests/SmoothInfo.Evidence: NetworkRetraining through autograd, HeadRetraining
/// by a hand-batched iteration) and its linearized estimate, on a network that is one Linear layer: it is linear in its
/// weights, so all three must give the same leave-one-out changes.
/// </summary>
public sealed class RetrainingTests
{
    [TestCase(1, 0.0)]
    [TestCase(2, 0.05)]
    public void AutogradRetrainingHandBatchedRetrainingAndTheEstimateAgreeOnALinearModel(int seed, double lambda)
    {
        const int n = 8, m = 5, features = 4, classes = 3, leftOut = 4, steps = 40;
        var generator = new Generator().manual_seed(seed);
        var x = randn(n, features, dtype: float64, generator: generator);
        var xTest = randn(m, features, dtype: float64, generator: generator);
        var y = nn.functional.one_hot(randint(0, classes, n, generator: generator), classes).to(float64);
        var spec = new MlpSpec(features, Array.Empty<int>(), classes, Activation.Relu);
        using var network = ProbeNetworks.Build(spec, seed);

        var estimate = LeaveOneOutChanges.Estimated(network, x, xTest, y, new NtkOptions(), steps, lambda, out double eta).First(leftOut);
        var autograd = NetworkRetraining.Run(network, () => ProbeNetworks.Build(spec, 0), x, xTest, y, leftOut, steps, lambda, eta, out _);
        var batched = HeadRetraining.Run(network, LinearHead.Problem(network, x, y, xTest), leftOut, steps, lambda, eta);

        Assert.Multiple(() =>
        {
            Assert.That(autograd.Weight.Min(), Is.GreaterThan(0), "every left-out sample changes the weights");
            Assert.That(autograd.Weight, Is.EqualTo(batched.Weight).Within(1e-9).Percent);
            Assert.That(autograd.Prediction, Is.EqualTo(batched.Prediction).Within(1e-9).Percent);
            Assert.That(estimate.Weight, Is.EqualTo(autograd.Weight).Within(1e-9).Percent);
            Assert.That(estimate.Prediction, Is.EqualTo(autograd.Prediction).Within(1e-9).Percent);
        });
    }
}
