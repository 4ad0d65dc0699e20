using SmoothInfo.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Models.Backbones;

/// <summary>
/// The ImageNet ResNet-18 of <see cref="ResNet18Features"/> run by TorchSharp, built from the same two ONNX files
/// (<see cref="OnnxGraphModule"/>): the preprocess graph (RGB to BGR, minus a mean image), then the network up to its last
/// block's output, averaged over all positions. At 224 x 224 that average is exactly the graph's closing 7 x 7
/// AveragePool; at other sizes it keeps the features global (512 per image), as the pool was meant. Unlike ONNX Runtime's
/// fixed 1 x 3 x 224 x 224 input, it takes batches of any size and other image sizes: the preprocess mean image is
/// resized to the input (bilinear, pixel centres at half-integers, as <see cref="BackboneInput"/> resizes images), and
/// the graph's fixed asymmetric paddings admit sides of 32 k to 32 k + 3 pixels (at other sizes a residual sum's two
/// branches differ in size, refused with SI2201). Float32 for features (ResNet18PortTests: within 1e-4 of ONNX Runtime);
/// <see cref="Cut"/> gives any stage, to run in float64 where gradients of the estimator need it.
/// </summary>
public sealed class ResNet18Network : IDisposable
{
    public const int Dimension = ResNet18Features.Dimension;

    private readonly OnnxGraph _preprocess;
    private readonly OnnxGraph _network;
    private readonly string _meanImage;
    private readonly OnnxGraphModule _body;
    private readonly Dictionary<(long Height, long Width), OnnxGraphModule> _preprocessBySize = new();

    /// <param name="modelDirectory">Holds ResNet18.onnx and ResNetPreprocess.onnx; default: models/resnet18 beside the tool.</param>
    public ResNet18Network(string? modelDirectory = null)
    {
        string directory = modelDirectory ?? ResNet18Features.DefaultModelDirectory;
        ResNet18Features.IdentityOf(directory); // says where the files come from when they are missing
        _preprocess = OnnxGraph.Load(Path.Combine(directory, ResNet18Features.PreprocessFile));
        _network = OnnxGraph.Load(Path.Combine(directory, ResNet18Features.NetworkFile));
        _meanImage = _preprocess.Initializers.Where(p => p.Value.dim() == 4).Select(p => p.Key).SingleOrDefault()
            ?? throw Unexpected(_preprocess, "holds no single mean image (one 4-D initializer)");
        (LastBlockInput, LastBlockOutput) = LastBlock(_network);
        NetworkInput = _network.Inputs.Single();
        _body = new OnnxGraphModule(_network, NetworkInput, LastBlockOutput);
        _body.eval();
    }

    /// <summary>The network graph, for cutting stages of it.</summary>
    public OnnxGraph Graph => _network;

    /// <summary>The network's input: preprocessed images (BGR minus the mean image).</summary>
    public string NetworkInput { get; }

    /// <summary>The last BasicBlock's input (the previous block's output, which its identity shortcut adds back).</summary>
    public string LastBlockInput { get; }

    /// <summary>The last BasicBlock's output: 512 maps, which the pool averages.</summary>
    public string LastBlockOutput { get; }

    /// <summary>The stage of the network from one value to another (frozen: no gradients), in float32.</summary>
    public OnnxGraphModule Cut(string from, string to, bool trainable = false) => new(_network, from, to, trainable);

    /// <summary>The network's input for RGB images (N, 3, H, W) on the 0..255 scale: BGR minus the mean image at that size.</summary>
    public Tensor Preprocess(Tensor rgb)
    {
        if (rgb.dim() != 4 || rgb.shape[1] != 3)
            throw new ArgumentException($"RGB images (N, 3, H, W) are expected, not [{string.Join(", ", rgb.shape)}]", nameof(rgb));
        var size = (rgb.shape[2], rgb.shape[3]);
        if (!_preprocessBySize.TryGetValue(size, out var module))
        {
            var mean = _preprocess.Initializers[_meanImage];
            var graph = (mean.shape[2], mean.shape[3]) == size
                ? _preprocess
                : _preprocess.Replacing(_meanImage, nn.functional.interpolate(mean, new[] { size.Item1, size.Item2 }, mode: InterpolationMode.Bilinear, align_corners: false));
            module = _preprocessBySize[size] = new OnnxGraphModule(graph, _preprocess.Inputs.Single(), _preprocess.Outputs.Single());
        }
        using (no_grad()) return module.to(rgb.dtype).call(rgb);
    }

    /// <summary>The 512 pooled features of RGB images (N, 3, H, W) on the 0..255 scale, (N, 512), in the input's dtype.</summary>
    public Tensor Features(Tensor rgb)
    {
        using var scope = NewDisposeScope();
        using (no_grad())
            return Pooled(_body.to(rgb.dtype).call(Preprocess(rgb))).MoveToOuterDisposeScope();
    }

    /// <summary>Global average over positions: (N, 512, h, w) to (N, 512).</summary>
    public static Tensor Pooled(Tensor maps) => maps.mean(new long[] { 2, 3 });

    /// <summary>Float32 features of each image, in order, a batch at a time.</summary>
    /// <param name="images">Each image channel-major in <paramref name="layout"/> (grey is replicated to RGB).</param>
    /// <param name="scale">Factor to the 0..255 scale.</param>
    /// <param name="size">The side the images are resized to (224: the size the network was trained at).</param>
    public float[][] Embed(IReadOnlyList<ReadOnlyMemory<float>> images, ImageLayout layout, float scale, int size = ResNet18Features.InputSize, int batchSize = 16)
    {
        var features = new float[images.Count][];
        var input = new float[batchSize * 3 * size * size];
        for (int first = 0; first < images.Count; first += batchSize)
        {
            using var scope = NewDisposeScope();
            int count = Math.Min(batchSize, images.Count - first);
            for (int i = 0; i < count; i++) BackboneInput.Fill(images[first + i].Span, layout, scale, size, input.AsSpan(i * 3 * size * size, 3 * size * size));
            var batch = Features(tensor(input.AsSpan(0, count * 3 * size * size).ToArray()).reshape(count, 3, size, size));
            for (int i = 0; i < count; i++) features[first + i] = batch[i].data<float>().ToArray();
        }
        return features;
    }

    public void Dispose()
    {
        _body.Dispose();
        foreach (var module in _preprocessBySize.Values) module.Dispose();
    }

    /// <summary>
    /// The last BasicBlock, read off the graph: the closing pool's input is the block's output, a Relu of an Add whose
    /// operand not coming from a BatchNormalization is the identity shortcut, i.e. the block's input.
    /// </summary>
    private static (string Input, string Output) LastBlock(OnnxGraph graph)
    {
        var pool = graph.Nodes[^1];
        if (pool.OpType != "AveragePool" || pool.Output.Single() != graph.Outputs.Single()) throw Unexpected(graph, "does not end with an AveragePool");
        string output = pool.Input[0];
        var relu = graph.Producer(output);
        var add = relu?.OpType == "Relu" ? graph.Producer(relu.Input[0]) : null;
        var shortcut = add?.OpType == "Add" ? add.Input.Where(v => graph.Producer(v)?.OpType != "BatchNormalization").ToList() : null;
        if (shortcut is not { Count: 1 }) throw Unexpected(graph, "does not end with a residual block whose shortcut is the identity");
        return (shortcut[0], output);
    }

    private static InputException Unexpected(OnnxGraph graph, string what) =>
        new(ErrorCodes.InvalidNetworkSpec, $"{graph.File} {what}: it is not the ResNet-18 of Microsoft.ML.DnnImageFeaturizer.ResNet18.",
            "restore the package version build/Versions.props names (dotnet restore).");
}
