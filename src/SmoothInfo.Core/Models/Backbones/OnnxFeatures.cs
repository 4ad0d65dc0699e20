using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using SmoothInfo.Data;
using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Models.Backbones;

/// <summary>
/// The user's own ONNX network cut at a named value (<c>model.backbone: { onnx, output, input }</c>): the graph's outputs
/// are replaced by that value (a graph output or any node's output), so ONNX Runtime computes only what leads to it, and
/// each sample, as the policy's preprocessing leaves it, is fed as one batch-1 input of its own shape. The features are the
/// value's numbers, flattened. Batch 1 and one intra-op thread per call, samples side by side (as <see cref="ResNet18Features"/>):
/// a sample's features never depend on which other samples were embedded with it, so cached and fresh features agree bit for bit.
/// </summary>
public sealed class OnnxFeatures : IDisposable
{
    /// <summary>Value names listed in an unknown-output error; a large graph has thousands.</summary>
    private const int ListedNames = 40;

    private readonly InferenceSession _session;
    private readonly string _input;
    private readonly int[] _inputShape;
    private readonly int _workers;

    private OnnxFeatures(InferenceSession session, string input, int[] inputShape, string identity, int workers)
    {
        _session = session;
        _input = input;
        _inputShape = inputShape;
        Identity = identity;
        _workers = workers;
        Dimension = Embed(new float[inputShape.Skip(1).Aggregate(1, (a, b) => a * b)]).Length;
    }

    /// <summary>A hash of the model file, the cut, the input and ONNX Runtime's version: features of another identity are not reused.</summary>
    public string Identity { get; }

    /// <summary>Features per sample: the number of values of the output for one sample.</summary>
    public int Dimension { get; }

    /// <summary>Opens the model cut at the policy's output for samples of this shape; every problem is an error at the policy key.</summary>
    /// <param name="workers">Samples embedded side by side; 0: one per core.</param>
    public static OnnxFeatures Open(OnnxBackbonePolicy backbone, IReadOnlyList<int> sampleShape, PolicyKeyLocations locations, int workers = 0)
    {
        byte[] bytes = DataFiles.ReadAllBytes(backbone.Path);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InputException(ErrorCodes.WeightsMalformed, $"{backbone.Path} is not an ONNX model: {e.Message}",
                "export the network with torch.onnx.export (or another ONNX exporter) and point 'model.backbone.onnx' at the .onnx file.",
                locations.Of("model.backbone.onnx"));
        }
        var graph = model.Graph ?? throw new InputException(ErrorCodes.WeightsMalformed, $"{backbone.Path} holds no graph.",
            "export the network again.", locations.Of("model.backbone.onnx"));
        string input = ChooseInput(graph, backbone, locations);
        Cut(graph, backbone, locations);

        var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        InferenceSession session;
        try
        {
            session = new InferenceSession(model.ToByteArray(), options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InputException(ErrorCodes.WeightsMalformed, $"ONNX Runtime cannot load {backbone.Path} cut at '{backbone.Output}': {e.Message}",
                "check that the model loads in ONNX Runtime as exported, and that the output names a tensor.", locations.Of("model.backbone"));
        }
        finally
        {
            options.Dispose();
        }
        try
        {
            var metadata = session.InputMetadata[input];
            int[] shape = InputShape(metadata, input, sampleShape, backbone, locations);
            return new OnnxFeatures(session, input, shape, IdentityOf(backbone, bytes), workers > 0 ? workers : Math.Max(1, Environment.ProcessorCount));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The identity of a backbone's file and cut without opening it (the estimator cache's key).</summary>
    public static string IdentityOf(OnnxBackbonePolicy backbone) => IdentityOf(backbone, DataFiles.ReadAllBytes(backbone.Path));

    /// <summary>Features of each sample, in order.</summary>
    /// <param name="embedded">Called after each sample (from worker threads), for progress.</param>
    public float[][] Embed(IReadOnlyList<ReadOnlyMemory<float>> samples, Action? embedded = null)
    {
        var features = new float[samples.Count][];
        Parallel.For(0, samples.Count, new ParallelOptions { MaxDegreeOfParallelism = _workers }, i =>
        {
            features[i] = Embed(samples[i].ToArray());
            if (features[i].Length != Dimension)
                throw new InvalidOperationException($"the ONNX output gave {features[i].Length} values for sample {i}, {Dimension} for the first");
            embedded?.Invoke();
        });
        return features;
    }

    private float[] Embed(float[] sample)
    {
        using var outputs = _session.Run(new[] { NamedOnnxValue.CreateFromTensor(_input, new DenseTensor<float>(sample, _inputShape)) });
        return outputs[0].AsTensor<float>().ToArray();
    }

    public void Dispose() => _session.Dispose();

    private static string ChooseInput(GraphProto graph, OnnxBackbonePolicy backbone, PolicyKeyLocations locations)
    {
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Select(i => i.Name).Where(name => !initializers.Contains(name)).ToList();
        if (backbone.Input is { } named)
        {
            if (inputs.Contains(named)) return named;
            throw new InputException(ErrorCodes.InvalidNetworkSpec,
                $"'model.backbone.input' is '{named}', but {Path.GetFileName(backbone.Path)} has no input of that name; its inputs: {string.Join(", ", inputs)}.",
                $"set 'model.backbone.input' to one of: {string.Join(", ", inputs)}.", locations.Of("model.backbone.input"));
        }
        if (inputs.Count == 1) return inputs[0];
        throw new InputException(ErrorCodes.InvalidNetworkSpec,
            $"{Path.GetFileName(backbone.Path)} has {inputs.Count} inputs ({string.Join(", ", inputs)}); the samples can feed one.",
            "name the one the samples feed with 'input:' under 'model.backbone'.", locations.Of("model.backbone"));
    }

    /// <summary>Makes the named value the graph's only output (ONNX Runtime then skips what does not lead to it).</summary>
    private static void Cut(GraphProto graph, OnnxBackbonePolicy backbone, PolicyKeyLocations locations)
    {
        var output = graph.Output.FirstOrDefault(o => o.Name == backbone.Output)
            ?? graph.ValueInfo.FirstOrDefault(v => v.Name == backbone.Output)
            ?? (graph.Node.Any(n => n.Output.Contains(backbone.Output)) ? new ValueInfoProto { Name = backbone.Output } : null);
        if (output is null)
        {
            var outputs = graph.Output.Select(o => o.Name).ToList();
            var values = graph.Node.SelectMany(n => n.Output).Where(v => v.Length > 0 && !outputs.Contains(v)).Distinct().ToList();
            string others = values.Count <= ListedNames ? string.Join(", ", values) : $"{string.Join(", ", values.Take(ListedNames))} and {values.Count - ListedNames} more";
            throw new InputException(ErrorCodes.InvalidNetworkSpec,
                $"'model.backbone.output' is '{backbone.Output}', but {Path.GetFileName(backbone.Path)} has no value of that name. " +
                $"Its outputs: {string.Join(", ", outputs)}; other values it computes: {others}.",
                "set 'model.backbone.output' to one of these names (Netron shows them on the graph).", locations.Of("model.backbone.output"));
        }
        graph.Output.Clear();
        graph.Output.Add(output);
    }

    /// <summary>The input's shape for one sample: [1, ...sample shape], checked against what the model declares.</summary>
    private static int[] InputShape(NodeMetadata metadata, string input, IReadOnlyList<int> sampleShape, OnnxBackbonePolicy backbone, PolicyKeyLocations locations)
    {
        int[] wanted = new[] { 1 }.Concat(sampleShape).ToArray();
        int[] declared = metadata.Dimensions;
        bool fits = metadata.ElementDataType == TensorElementType.Float && declared.Length == wanted.Length
            && declared.Zip(wanted).All(d => d.First <= 0 || d.First == d.Second);
        if (fits) return wanted;
        string type = metadata.ElementDataType == TensorElementType.Float ? "" : $" of {metadata.ElementDataType} (float32 is what the samples are)";
        throw new InputException(ErrorCodes.ShapeMismatch,
            $"{Path.GetFileName(backbone.Path)}'s input '{input}' takes [{string.Join(", ", declared.Select(d => d <= 0 ? "?" : d.ToString()))}]{type}, " +
            $"but each sample is fed as [{string.Join(", ", wanted)}] (batch 1, then the sample's shape).",
            "export the model for inputs of the samples' shape (a dynamic batch axis is fine), or store the data in the shape the model takes.",
            locations.Of("model.backbone"));
    }

    private static string IdentityOf(OnnxBackbonePolicy backbone, byte[] bytes) =>
        $"onnx {Convert.ToHexStringLower(SHA256.HashData(bytes))} output {backbone.Output} input {backbone.Input ?? "(only)"} " +
        $"onnxruntime {typeof(InferenceSession).Assembly.GetName().Version}";
}
