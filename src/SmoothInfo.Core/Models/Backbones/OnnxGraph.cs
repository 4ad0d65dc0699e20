using Google.Protobuf;
using Onnx;
using SmoothInfo.Diagnostics;
using static TorchSharp.torch;

namespace SmoothInfo.Models.Backbones;

/// <summary>
/// An ONNX graph read with OnnxSharp for <see cref="OnnxGraphModule"/>: its nodes in the file's (topological) order, its
/// float32 initializers as CPU tensors, and the names of its inputs and outputs.
/// </summary>
public sealed class OnnxGraph
{
    private readonly Dictionary<string, NodeProto> _producers;

    private OnnxGraph(string file, IReadOnlyList<NodeProto> nodes, IReadOnlyDictionary<string, Tensor> initializers,
        IReadOnlyList<string> inputs, IReadOnlyList<string> outputs)
    {
        File = file;
        Nodes = nodes;
        Initializers = initializers;
        Inputs = inputs;
        Outputs = outputs;
        _producers = nodes.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n, StringComparer.Ordinal);
    }

    /// <summary>The file's name, for messages.</summary>
    public string File { get; }

    public IReadOnlyList<NodeProto> Nodes { get; }

    public IReadOnlyDictionary<string, Tensor> Initializers { get; }

    /// <summary>The inputs that are not initializers: what a caller feeds.</summary>
    public IReadOnlyList<string> Inputs { get; }

    public IReadOnlyList<string> Outputs { get; }

    /// <summary>The node that computes a value, or null for a graph input or an initializer.</summary>
    public NodeProto? Producer(string value) => _producers.GetValueOrDefault(value);

    public static OnnxGraph Load(string path)
    {
        string file = Path.GetFileName(path);
        GraphProto? graph;
        try
        {
            graph = ModelProto.Parser.ParseFrom(System.IO.File.ReadAllBytes(path)).Graph;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InputException(ErrorCodes.WeightsMalformed, $"{path} is not an ONNX model: {e.Message}", "point at the .onnx file itself.");
        }
        if (graph is null) throw new InputException(ErrorCodes.WeightsMalformed, $"{path} holds no graph.", "export the network again.");
        var initializers = graph.Initializer.ToDictionary(t => t.Name, t => ToTensor(t, file), StringComparer.Ordinal);
        var inputs = graph.Input.Select(i => i.Name).Where(name => !initializers.ContainsKey(name)).ToList();
        return new OnnxGraph(file, graph.Node.ToList(), initializers, inputs, graph.Output.Select(o => o.Name).ToList());
    }

    /// <summary>The same graph with one initializer's value replaced (the preprocess model's mean image at another size).</summary>
    public OnnxGraph Replacing(string initializer, Tensor value)
    {
        if (!Initializers.ContainsKey(initializer)) throw new ArgumentException($"{File} has no initializer '{initializer}'", nameof(initializer));
        var initializers = Initializers.ToDictionary(p => p.Key, p => p.Key == initializer ? value : p.Value, StringComparer.Ordinal);
        return new OnnxGraph(File, Nodes, initializers, Inputs, Outputs);
    }

    /// <summary>A float32 initializer as a CPU tensor of its shape; stored as float_data or little-endian raw_data.</summary>
    private static Tensor ToTensor(TensorProto proto, string file)
    {
        if (proto.DataType != (int)TensorProto.Types.DataType.Float)
            throw new InputException(ErrorCodes.WeightsMalformed,
                $"{file}'s initializer '{proto.Name}' is of type {(TensorProto.Types.DataType)proto.DataType}; only float32 initializers are read.",
                "export the network with float32 weights.");
        long count = proto.Dims.Aggregate(1L, (a, b) => a * b);
        float[] values = proto.FloatData.Count > 0 ? proto.FloatData.ToArray() : RawFloats(proto.RawData);
        if (values.Length != count)
            throw new InputException(ErrorCodes.WeightsMalformed,
                $"{file}'s initializer '{proto.Name}' declares shape [{string.Join(", ", proto.Dims)}] ({count} values) but holds {values.Length}.",
                "export the network again.");
        return tensor(values).reshape(proto.Dims.ToArray()).DetachFromDisposeScope(); // lives as long as the graph
    }

    private static float[] RawFloats(ByteString raw)
    {
        var bytes = raw.Span;
        var values = new float[bytes.Length / sizeof(float)];
        for (int i = 0; i < values.Length; i++) values[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * sizeof(float)));
        return values;
    }
}
