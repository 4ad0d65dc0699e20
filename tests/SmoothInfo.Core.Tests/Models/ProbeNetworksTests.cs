using SmoothInfo.Diagnostics;
using SmoothInfo.Models;
using SmoothInfo.Policy.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Models;

public sealed class ProbeNetworksTests
{
    private static readonly MlpSpec Mlp = new(784, new[] { 256, 256 }, 10, Activation.Relu);
    private static readonly CnnSpec Cnn = new(1, 28, 28, new[] { 8, 16 }, 10, Activation.Gelu);

    [Test]
    public void MlpHasPyTorchNamesAndShapes()
    {
        using var network = ProbeNetworks.Build(Mlp, seed: 1);
        var shapes = network.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.That(shapes.Keys, Is.EqualTo(new[] { "0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias" }));
        Assert.That(shapes["0.weight"], Is.EqualTo(new long[] { 256, 784 }));
        Assert.That(shapes["4.weight"], Is.EqualTo(new long[] { 10, 256 }));
        Assert.That(network.parameters().Sum(p => p.numel()), Is.EqualTo(784 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10));
    }

    [Test]
    public void CnnMapsImagesToOneRowOfOutputsPerSample()
    {
        using var network = ProbeNetworks.Build(Cnn, seed: 1);
        using var images = zeros(3, 1, 28, 28, float64);
        using var output = network.call(images);
        Assert.That(output.shape, Is.EqualTo(new long[] { 3, 10 }));
        Assert.That(Cnn.FlattenedFeatures, Is.EqualTo(16 * 7 * 7));
    }

    [Test]
    public void SameSeedSameWeightsOtherSeedOtherWeights()
    {
        using var a = ProbeNetworks.Build(Cnn, seed: 5);
        using var b = ProbeNetworks.Build(Cnn, seed: 5);
        using var c = ProbeNetworks.Build(Cnn, seed: 6);
        var pa = a.parameters().ToList();
        var pb = b.parameters().ToList();
        var pc = c.parameters().ToList();
        for (int i = 0; i < pa.Count; i++)
        {
            Assert.That(pa[i].eq(pb[i]).all().item<bool>(), Is.True, $"parameter {i} differs for the same seed");
            Assert.That(pa[i].eq(pc[i]).all().item<bool>(), Is.False, $"parameter {i} is equal for different seeds");
        }
    }

    [Test]
    public void Float32NetworkIsTheFloat64NetworkCast()
    {
        using var wide = ProbeNetworks.Build(Mlp, seed: 2, dtype: ScalarType.Float64);
        using var narrow = ProbeNetworks.Build(Mlp, seed: 2, dtype: ScalarType.Float32);
        foreach (var (w, n) in wide.parameters().Zip(narrow.parameters()))
        {
            Assert.That(n.dtype, Is.EqualTo(ScalarType.Float32));
            Assert.That(w.to_type(ScalarType.Float32).eq(n).all().item<bool>(), Is.True);
        }
    }

    [Test]
    public void WeightsAndBiasesAreUniformWithinOneOverSqrtFanIn()
    {
        using var network = ProbeNetworks.Build(Cnn, seed: 3);
        var fanIns = new Dictionary<string, double> { ["0"] = 1 * 9, ["3"] = 8 * 9, ["7"] = 16 * 7 * 7 };
        foreach (var (name, parameter) in network.named_parameters())
        {
            double bound = 1 / Math.Sqrt(fanIns[name.Split('.')[0]]);
            double max = parameter.abs().max().item<double>();
            Assert.That(max, Is.LessThanOrEqualTo(bound), name);
            if (parameter.numel() >= 100)
                Assert.That(max, Is.GreaterThan(0.9 * bound), $"{name} does not fill its range, so it is not U(-bound, bound)");
        }
    }

    [Test]
    public void NetworksAreBuiltInEvaluationMode()
    {
        using var network = ProbeNetworks.Build(Mlp, seed: 1);
        Assert.That(network.training, Is.False);
    }

    [Test]
    public void InvalidSpecsAreInputErrors()
    {
        var cases = new Action[]
        {
            () => ProbeNetworks.Build(Mlp with { HiddenWidths = new[] { 16, 0 } }, seed: 1),
            () => ProbeNetworks.Build(Mlp with { Outputs = 0 }, seed: 1),
            () => ProbeNetworks.Build(Cnn with { KernelSize = 4 }, seed: 1),
            () => ProbeNetworks.Build(Cnn with { Height = 4, Width = 4, ConvChannels = new[] { 2, 2, 2 } }, seed: 1),
        };
        foreach (var build in cases)
            Assert.That(Assert.Throws<InputException>(() => build())!.Code, Is.EqualTo(ErrorCodes.InvalidNetworkSpec));
    }
}
