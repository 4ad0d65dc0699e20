using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Onnx;
using SmoothInfo.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Models.Backbones;

/// <summary>
/// A TorchSharp module that runs the part of an ONNX graph that computes one value from another (the whole graph, or a
/// stage of it: the frozen body up to a block, the block alone), node by node with <see cref="OnnxOperators"/>. The
/// initializers the part reads are its parameters (batch-norm statistics: buffers), so it converts with
/// <c>.to(float64)</c>, trains through autograd and copies with <c>state_dict</c> like any module. Samples never interact
/// (batch normalization uses its stored statistics), so any batch size gives each sample the same features.
/// </summary>
public sealed partial class OnnxGraphModule : nn.Module<Tensor, Tensor>
{
    private readonly string _file;
    private readonly string _input;
    private readonly string _output;
    private readonly List<NodeProto> _nodes;
    private readonly Dictionary<string, string> _registeredNames = new(StringComparer.Ordinal);
    // For each value, the last node that reads it: intermediates are freed there (a batch of 224 x 224 images would
    // otherwise hold every activation of the network at once).
    private readonly Dictionary<string, int> _lastUse = new(StringComparer.Ordinal);

    /// <param name="from">The value fed to <see cref="forward"/> (a graph input, or any node's output).</param>
    /// <param name="to">The value returned.</param>
    /// <param name="trainable">Whether the parameters take gradients (the statistics never do).</param>
    public OnnxGraphModule(OnnxGraph graph, string from, string to, bool trainable = false) : base($"onnx:{graph.File}:{from}->{to}")
    {
        _file = graph.File;
        _input = from;
        _output = to;
        _nodes = NodesBetween(graph, from, to);
        foreach (var node in _nodes) OnnxOperators.Check(node, graph.File);
        for (int j = 0; j < _nodes.Count; j++)
        {
            var node = _nodes[j];
            for (int i = 0; i < node.Input.Count; i++)
            {
                string value = node.Input[i];
                _lastUse[value] = j;
                if (!graph.Initializers.TryGetValue(value, out var initial) || _registeredNames.ContainsKey(value)) continue;
                string name = Unsafe().Replace(value, "_");
                _registeredNames[value] = name;
                // The module may be built inside a caller's dispose scope (lazily, on first use); it owns its tensors.
                var own = initial.clone().DetachFromDisposeScope();
                if (OnnxOperators.IsStatistic(node, i)) register_buffer(name, own);
                else register_parameter(name, new Parameter(own, requires_grad: trainable));
            }
        }
    }

    /// <summary>The graph nodes this part runs, in order.</summary>
    public int NodeCount => _nodes.Count;

    public override Tensor forward(Tensor input) => Run(input, null);

    /// <summary>
    /// Runs the part, showing each node with its inputs (initializers included) and outputs to <paramref name="observe"/>
    /// (what a kernel of the part needs: each parameterized node's input and output). While observed, no intermediate is
    /// freed, so the observed tensors live as long as the caller's dispose scope.
    /// </summary>
    public Tensor Run(Tensor input, Action<NodeProto, IReadOnlyList<Tensor>, IReadOnlyList<Tensor>>? observe)
    {
        var stored = named_parameters().Select(p => (p.name, (Tensor)p.parameter)).Concat(named_buffers().Select(b => (b.name, b.buffer)))
            .ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal);
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal) { [_input] = input };
        Tensor Value(string name) => _registeredNames.TryGetValue(name, out var registered) ? stored[registered] : values[name];
        for (int j = 0; j < _nodes.Count; j++)
        {
            var node = _nodes[j];
            Tensor[] outputs;
            try
            {
                var inputs = node.Input.Select(Value).ToList();
                outputs = OnnxOperators.Run(node, inputs);
                observe?.Invoke(node, inputs, outputs);
            }
            catch (ExternalException e)
            {
                string shapes = string.Join(" and ", node.Input.Where(values.ContainsKey).Select(v => $"[{string.Join(", ", values[v].shape)}]"));
                throw new InputException(ErrorCodes.ShapeMismatch,
                    $"{_file}'s node '{node.Name}' ({node.OpType}) rejects its input {shapes} (from an input of shape [{string.Join(", ", input.shape)}]): " +
                    e.Message.Split('\n')[0].Trim(),
                    "feed inputs of a shape the graph admits: its fixed paddings fit some sizes only (the size the graph declares always fits).");
            }
            for (int o = 0; o < node.Output.Count; o++) values[node.Output[o]] = outputs[o];
            if (observe is not null) continue;
            foreach (string used in node.Input.Concat(node.Output).Distinct())
                if (used != _input && used != _output && values.ContainsKey(used) && _lastUse.GetValueOrDefault(used, -1) <= j)
                {
                    values[used].Dispose();
                    values.Remove(used);
                }
        }
        return values[_output];
    }

    /// <summary>
    /// The nodes that lead from <paramref name="from"/> to <paramref name="to"/>, walking back from <paramref name="to"/>;
    /// every value they read must be <paramref name="from"/>, an initializer, or computed by one of them.
    /// </summary>
    private static List<NodeProto> NodesBetween(OnnxGraph graph, string from, string to)
    {
        var needed = new HashSet<string>(StringComparer.Ordinal) { to };
        var chosen = new List<NodeProto>();
        for (int j = graph.Nodes.Count - 1; j >= 0; j--)
        {
            var node = graph.Nodes[j];
            if (node.Output.Contains(from) || !node.Output.Any(needed.Contains)) continue;
            chosen.Add(node);
            foreach (string input in node.Input.Where(i => i != from && !graph.Initializers.ContainsKey(i))) needed.Add(input);
        }
        chosen.Reverse();
        var computed = chosen.SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        string[] missing = needed.Where(v => v != from && !computed.Contains(v)).ToArray();
        if (missing.Length > 0 || chosen.Count == 0)
            throw new InputException(ErrorCodes.InvalidNetworkSpec,
                chosen.Count == 0
                    ? $"{graph.File} computes no value '{to}' from '{from}'."
                    : $"{graph.File}: computing '{to}' from '{from}' also needs {string.Join(", ", missing.Select(m => $"'{m}'"))}, which '{from}' does not give.",
                "cut the graph at a value that every path to the output goes through (Netron shows the graph).");
        return chosen;
    }

    [GeneratedRegex("[^A-Za-z0-9_]")]
    private static partial Regex Unsafe();
}
