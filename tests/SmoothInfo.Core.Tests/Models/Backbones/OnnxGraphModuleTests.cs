using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using SmoothInfo.Diagnostics;
using SmoothInfo.Models.Backbones;
using SmoothInfo.Tests.Data;
using TorchSharp;
using static TorchSharp.torch;
using static SmoothInfo.Tests.Models.Backbones.OnnxModels;

namespace SmoothInfo.Tests.Models.Backbones;

/// <summary>
/// Every ported operator against ONNX Runtime on random inputs, with the attribute values the ResNet-18 does not exercise
/// (odd sizes, asymmetric pads on every side, count_include_pad 0 and 1, grouped convolution), each intermediate value
/// compared; and what is not ported is refused by name.
/// </summary>
public sealed class OnnxGraphModuleTests : DataFolder
{
    private static readonly string[] Values = { "bgr", "centred", "c1", "bn", "r1", "mp", "ap0", "ap1", "sum", "out" };

    [Test]
    public void EveryValueEqualsOnnxRuntimesOnRandomInputs()
    {
        string path = WriteGraph();
        var input = Random(2 * 3 * 9 * 11, seed: 1);
        var expected = RunOnnxRuntime(path, input);
        var graph = OnnxGraph.Load(path);
        using var x = tensor(input).reshape(2, 3, 9, 11);
        foreach (string value in Values)
        {
            using var module = new OnnxGraphModule(graph, "x", value);
            using var actual = module.call(x);
            Assert.That(actual.shape, Is.EqualTo(expected[value].Dimensions.ToArray().Select(d => (long)d).ToArray()), value);
            Assert.That(actual.data<float>().ToArray(), Is.EqualTo(expected[value].ToArray()).Within(1e-5), value);
        }
        // A stage cut out of the middle, fed ONNX Runtime's value where it starts.
        using var stage = new OnnxGraphModule(graph, "r1", "sum");
        using var fromMiddle = stage.call(tensor(expected["r1"].ToArray()).reshape(expected["r1"].Dimensions.ToArray().Select(d => (long)d).ToArray()));
        Assert.That(fromMiddle.data<float>().ToArray(), Is.EqualTo(expected["sum"].ToArray()).Within(1e-5));
        Assert.That(stage.NodeCount, Is.EqualTo(4), "MaxPool, two AveragePools, Add");
    }

    [Test]
    public void ATrainableStageTakesGradientsExceptItsStatisticsAndCopiesWithItsStateDict()
    {
        var graph = OnnxGraph.Load(WriteGraph());
        using var stage = new OnnxGraphModule(graph, "centred", "out", trainable: true);
        using var frozen = new OnnxGraphModule(graph, "centred", "out");
        Assert.That(stage.parameters().Select(p => p.requires_grad), Is.EqualTo(Enumerable.Repeat(true, 5)), "two convolution weights, a bias, the batch-norm scale and shift");
        Assert.That(frozen.parameters().Select(p => p.requires_grad), Is.All.False);
        Assert.That(stage.buffers().Count(), Is.EqualTo(2), "the batch-norm mean and variance");

        stage.to(float64);
        using var x = tensor(Random(2 * 3 * 9 * 11, seed: 2).Select(v => (double)v).ToArray()).reshape(2, 3, 9, 11);
        using var copy = new OnnxGraphModule(graph, "centred", "out", trainable: true).to(float64);
        using (no_grad())
            foreach (var p in stage.parameters()) p.add_(0.25);
        copy.load_state_dict(stage.state_dict());
        using var y = stage.call(x);
        using var copied = copy.call(x);
        Assert.That(copied.data<double>().ToArray(), Is.EqualTo(y.data<double>().ToArray()));
        y.sum().backward();
        Assert.That(stage.parameters().Select(p => p.grad is { } g && g.abs().sum().item<double>() > 0), Is.All.True);
    }

    [Test]
    public void AnOperatorThatIsNotPortedIsRefusedByName()
    {
        var graph = new GraphProto { Name = "softmax" };
        graph.Input.Add(Value("x", 1, 4));
        graph.Node.Add(Node("Softmax", new[] { "x" }, "y"));
        graph.Output.Add(Value("y", 1, 4));
        Write(PathOf("softmax.onnx"), graph, opset: 8);
        var e = Assert.Throws<InputException>(() => new OnnxGraphModule(OnnxGraph.Load(PathOf("softmax.onnx")), "x", "y"))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.UnsupportedLayer));
        Assert.That(e.Message, Is.EqualTo("softmax.onnx's node 'y_node' (Softmax -> y): the operator Softmax is not ported to TorchSharp."));
        Assert.That(e.Fix, Does.Contain("Conv, BatchNormalization, Relu, Add, Sub, MaxPool, AveragePool, Split, Concat"));
    }

    [Test]
    public void AnAttributeThatIsNotPortedIsRefusedByName()
    {
        var graph = new GraphProto { Name = "same" };
        graph.Input.Add(Value("x", 1, 1, 4, 4));
        graph.Initializer.Add(Initializer("w", new float[9], 1, 1, 3, 3));
        graph.Node.Add(Node("Conv", new[] { "x", "w" }, new[] { "y" }, Ints("kernel_shape", 3, 3), String("auto_pad", "SAME_UPPER")));
        graph.Output.Add(Value("y", 1, 1, 4, 4));
        Write(PathOf("same.onnx"), graph, opset: 8);
        var e = Assert.Throws<InputException>(() => new OnnxGraphModule(OnnxGraph.Load(PathOf("same.onnx")), "x", "y"))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.UnsupportedLayerConfiguration));
        Assert.That(e.Message, Is.EqualTo("same.onnx's node 'y_node' (Conv -> y): has auto_pad SAME_UPPER (only explicit pads are), which is not ported."));
    }

    [Test]
    public void ACutThatSomePathBypassesIsRefusedNamingWhatIsMissing()
    {
        var graph = OnnxGraph.Load(WriteGraph());
        var e = Assert.Throws<InputException>(() => new OnnxGraphModule(graph, "ap0", "sum"))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.InvalidNetworkSpec));
        Assert.That(e.Message, Does.Contain("computing 'sum' from 'ap0' also needs 'x'"));
    }

    /// <summary>
    /// x [2, 3, 9, 11] -> Split, Concat (RGB to BGR) -> Sub a mean image -> Conv (bias, stride [2, 1], pads [2, 1, 0, 1]) ->
    /// BatchNormalization (epsilon 1e-3) -> Relu -> MaxPool ([3, 2], stride [2, 1], pads [1, 0, 1, 1]) -> AveragePool twice
    /// ([2, 2], pads [1, 1, 0, 1], count_include_pad 0 and 1) -> Add -> Conv (2 groups, 1 x 1, pads [1, 1, 1, 1]); every
    /// value is a graph output. Opset 8, as the ResNet-18 files.
    /// </summary>
    private string WriteGraph()
    {
        var graph = new GraphProto { Name = "ops" };
        graph.Input.Add(Value("x", 2, 3, 9, 11));
        void Add(string name, int seed, params long[] dims) =>
            graph.Initializer.Add(Initializer(name, Random((int)dims.Aggregate(1L, (a, b) => a * b), seed), dims));
        Add("mean", 10, 1, 3, 9, 11);
        Add("w1", 11, 4, 3, 3, 3);
        Add("b1", 12, 4);
        Add("scale", 13, 4);
        Add("shift", 14, 4);
        Add("runningMean", 15, 4);
        graph.Initializer.Add(Initializer("runningVariance", new[] { 0.5f, 1.5f, 2f, 0.25f }, 4));
        Add("w2", 16, 4, 2, 1, 1);
        graph.Node.Add(Node("Split", new[] { "x" }, new[] { "r", "g", "b" }, Int("axis", 1), Ints("split", 1, 1, 1)));
        graph.Node.Add(Node("Concat", new[] { "b", "g", "r" }, new[] { "bgr" }, Int("axis", 1)));
        graph.Node.Add(Node("Sub", new[] { "bgr", "mean" }, "centred"));
        graph.Node.Add(Node("Conv", new[] { "centred", "w1", "b1" }, new[] { "c1" },
            Ints("kernel_shape", 3, 3), Ints("strides", 2, 1), Ints("pads", 2, 1, 0, 1), String("auto_pad", "NOTSET")));
        graph.Node.Add(Node("BatchNormalization", new[] { "c1", "scale", "shift", "runningMean", "runningVariance" }, new[] { "bn" },
            Float("epsilon", 1e-3f), Int("spatial", 1)));
        graph.Node.Add(Node("Relu", new[] { "bn" }, "r1"));
        graph.Node.Add(Node("MaxPool", new[] { "r1" }, new[] { "mp" }, Ints("kernel_shape", 3, 2), Ints("strides", 2, 1), Ints("pads", 1, 0, 1, 1)));
        foreach (int include in new[] { 0, 1 })
            graph.Node.Add(Node("AveragePool", new[] { "mp" }, new[] { $"ap{include}" },
                Ints("kernel_shape", 2, 2), Ints("strides", 1, 1), Ints("pads", 1, 1, 0, 1), Int("count_include_pad", include)));
        graph.Node.Add(Node("Add", new[] { "ap0", "ap1" }, "sum"));
        graph.Node.Add(Node("Conv", new[] { "sum", "w2" }, new[] { "out" }, Ints("kernel_shape", 1, 1), Int("group", 2), Ints("pads", 1, 1, 1, 1)));
        foreach (string value in Values) graph.Output.Add(new ValueInfoProto { Name = value });
        string path = PathOf("ops.onnx");
        Write(path, graph, opset: 8);
        return path;
    }

    private static Dictionary<string, Tensor<float>> RunOnnxRuntime(string path, float[] input)
    {
        using var session = new InferenceSession(path);
        using var outputs = session.Run(new[] { NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(input, new[] { 2, 3, 9, 11 })) });
        return outputs.ToDictionary(o => o.Name, o => (Tensor<float>)o.AsTensor<float>().Clone());
    }

    private static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }
}
