using Onnx;
using SmoothInfo.Evidence;
using SmoothInfo.Models.Backbones;
using SmoothInfo.Tests.Data;
using TorchSharp;
using static TorchSharp.torch;
using static SmoothInfo.Tests.Models.Backbones.OnnxModels;

namespace SmoothInfo.Tests.Evidence;

/// <summary>
/// The last-block kernel (Gram products of per-sample factors) against its obviously right twin: J J^T with each row of J
/// the gradient of one output of one sample alone, by autograd through the whole Sequential, float64, random inputs, on a
/// small residual block written as ONNX (Conv with bias and asymmetric pads, BatchNormalization, Relu, Conv, BatchNormalization,
/// Add the input, Relu) under a Linear head.
/// </summary>
public sealed class LastBlockNtkTests : DataFolder
{
    private const int Channels = 4, Side = 5, Classes = 3, Samples = 6;

    [Test]
    public void TheKernelEqualsJJTransposeFromPerSampleAutograd()
    {
        var graph = OnnxGraph.Load(WriteBlock());
        using var network = LastBlockNetwork.Build(graph, "x", "out", Channels, Classes, seed: 3);
        using var x = randn(new long[] { Samples, Channels, Side, Side }, float64, generator: new Generator().manual_seed(4));

        using var kernel = LastBlockNtk.Kernel(network, x);
        using var expected = BruteForce(network, x);
        double scale = expected.abs().max().item<double>();
        Assert.That(kernel.shape, Is.EqualTo(new long[] { Samples * Classes, Samples * Classes }));
        Assert.That((kernel - expected).abs().max().item<double>(), Is.LessThan(1e-12 * scale), $"entries up to {scale:G3}");
        Assert.That(kernel.eq(kernel.t()).all().item<bool>(), Is.True, "exactly symmetric");
    }

    private static Tensor BruteForce(TorchSharp.Modules.Sequential network, Tensor x)
    {
        var parameters = network.parameters().ToArray();
        var rows = new List<Tensor>();
        for (long i = 0; i < x.shape[0]; i++)
        {
            var f = network.call(x.narrow(0, i, 1));
            for (long c = 0; c < Classes; c++)
                rows.Add(cat(autograd.grad(new[] { f[0, c] }, parameters, retain_graph: true).Select(g => g.flatten()).ToList()));
        }
        var jacobian = stack(rows);
        return jacobian.matmul(jacobian.t());
    }

    private string WriteBlock()
    {
        var graph = new GraphProto { Name = "block" };
        graph.Input.Add(Value("x", "batch", Channels, Side, Side));
        var random = new Random(5);
        void Add(string name, double offset, params long[] dims) => graph.Initializer.Add(Initializer(name,
            Enumerable.Range(0, (int)dims.Aggregate(1L, (a, b) => a * b)).Select(_ => (float)(offset + random.NextDouble() - 0.5)).ToArray(), dims));
        foreach (string layer in new[] { "1", "2" })
        {
            Add("w" + layer, 0, Channels, Channels, 3, 3);
            Add("scale" + layer, 1, Channels);
            Add("shift" + layer, 0, Channels);
            Add("mean" + layer, 0, Channels);
            Add("variance" + layer, 1, Channels);
        }
        Add("b1", 0, Channels);
        graph.Node.Add(Node("Conv", new[] { "x", "w1", "b1" }, new[] { "c1" }, Ints("kernel_shape", 3, 3), Ints("pads", 2, 1, 0, 1)));
        graph.Node.Add(Node("BatchNormalization", new[] { "c1", "scale1", "shift1", "mean1", "variance1" }, new[] { "n1" }, Float("epsilon", 1e-3f)));
        graph.Node.Add(Node("Relu", new[] { "n1" }, "r1"));
        graph.Node.Add(Node("Conv", new[] { "r1", "w2" }, new[] { "c2" }, Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1)));
        graph.Node.Add(Node("BatchNormalization", new[] { "c2", "scale2", "shift2", "mean2", "variance2" }, new[] { "n2" }));
        graph.Node.Add(Node("Add", new[] { "n2", "x" }, "sum"));
        graph.Node.Add(Node("Relu", new[] { "sum" }, "out"));
        graph.Output.Add(Value("out", "batch", Channels, Side, Side));
        string path = PathOf("block.onnx");
        Write(path, graph, opset: 8);
        return path;
    }
}
