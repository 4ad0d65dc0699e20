using Onnx;
using SmoothInfo.Diagnostics;
using static SmoothInfo.Models.Backbones.OnnxAttributes;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace SmoothInfo.Models.Backbones;

/// <summary>
/// The ONNX operators (opset 8 semantics) that ML.NET's ResNet18.onnx and ResNetPreprocess.onnx use, in TorchSharp, 2-D
/// images (N, C, H, W) only. Every attribute a node carries is either honoured or refused by <see cref="Check"/> before
/// anything runs: the graph came from CNTK, whose paddings are asymmetric (pads [3,3,2,2] on the first convolution,
/// [1,1,0,0] on the strided ones), so nothing here assumes torchvision's layout.
/// </summary>
internal static class OnnxOperators
{
    /// <summary>Each ported operator with the attributes it honours.</summary>
    private static readonly Dictionary<string, string[]> Ported = new(StringComparer.Ordinal)
    {
        ["Conv"] = new[] { "kernel_shape", "strides", "pads", "dilations", "group", "auto_pad" },
        // momentum only matters when training the statistics, which inference never does.
        ["BatchNormalization"] = new[] { "epsilon", "momentum", "spatial" },
        ["Relu"] = Array.Empty<string>(),
        ["Add"] = Array.Empty<string>(),
        ["Sub"] = Array.Empty<string>(),
        // storage_order only affects the optional indices output, which is refused.
        ["MaxPool"] = new[] { "kernel_shape", "strides", "pads", "auto_pad", "storage_order", "dilations", "ceil_mode" },
        ["AveragePool"] = new[] { "kernel_shape", "strides", "pads", "auto_pad", "count_include_pad", "ceil_mode" },
        ["Split"] = new[] { "axis", "split" },
        ["Concat"] = new[] { "axis" },
    };

    /// <summary>The BatchNormalization inputs that are statistics (mean, variance), never trained.</summary>
    public static bool IsStatistic(NodeProto node, int input) => node.OpType == "BatchNormalization" && input >= 3;

    /// <summary>Refuses (SI2301/SI2302) a node whose operator, attribute or arity is not ported.</summary>
    public static void Check(NodeProto node, string file)
    {
        string where = $"{file}'s node '{node.Name}' ({node.OpType} -> {string.Join(", ", node.Output)})";
        if (!Ported.TryGetValue(node.OpType, out var honoured))
            throw new InputException(ErrorCodes.UnsupportedLayer, $"{where}: the operator {node.OpType} is not ported to TorchSharp.",
                $"the ported operators are {string.Join(", ", Ported.Keys)}; run this model with ONNX Runtime instead.");
        void Refuse(string problem) => throw new InputException(ErrorCodes.UnsupportedLayerConfiguration, $"{where}: {problem}, which is not ported.",
            "run this model with ONNX Runtime instead.");
        foreach (var attribute in node.Attribute.Where(a => !honoured.Contains(a.Name))) Refuse($"has the attribute {attribute.Name}");
        if (Find(node, "auto_pad") is { } autoPad && autoPad.S.ToStringUtf8() != "NOTSET")
            Refuse($"has auto_pad {autoPad.S.ToStringUtf8()} (only explicit pads are)");
        if (Int(node, "ceil_mode", 0) != 0) Refuse("rounds output sizes up (ceil_mode 1)");
        if (node.OpType == "MaxPool" && Ints(node, "dilations", 1).Any(d => d != 1)) Refuse("has dilations");
        if (node.OpType == "MaxPool" && node.Output.Count != 1) Refuse("asks for the indices output");
        if (node.OpType == "BatchNormalization" && (Int(node, "spatial", 1) != 1 || node.Output.Count != 1)) Refuse("is not spatial inference batch normalization");
        if (node.OpType is "MaxPool" or "AveragePool" && Ints(node, "kernel_shape", 0).Length != 2) Refuse("is not 2-D");
        if (node.OpType == "Conv" && Find(node, "kernel_shape") is { } kernel && kernel.Ints.Count != 2) Refuse("is not 2-D");
    }

    /// <summary>The node's outputs for these inputs (in the node's input order; initializers included).</summary>
    public static Tensor[] Run(NodeProto node, IReadOnlyList<Tensor> x) => node.OpType switch
    {
        "Conv" => new[] { Convolution(node, x[0], x[1], x.Count > 2 ? x[2] : null) },
        "BatchNormalization" => new[] { F.batch_norm(x[0], x[3], x[4], x[1], x[2], training: false, eps: Float(node, "epsilon", 1e-5f)) },
        "Relu" => new[] { F.relu(x[0]) },
        "Add" => new[] { x[0] + x[1] },
        "Sub" => new[] { x[0] - x[1] },
        "MaxPool" => new[] { MaxPool(node, x[0]) },
        "AveragePool" => new[] { AveragePool(node, x[0]) },
        "Split" => Find(node, "split") is null
            ? x[0].chunk(node.Output.Count, Int(node, "axis", 0))
            : x[0].split(Ints(node, "split", 0), Int(node, "axis", 0)),
        "Concat" => new[] { cat(x.ToList(), Int(node, "axis", 0)) },
        _ => throw new InvalidOperationException($"{node.OpType} was not checked"),
    };

    private static Tensor Convolution(NodeProto node, Tensor input, Tensor weight, Tensor? bias)
    {
        var (padded, padding) = Padded(node, input, 0.0);
        return F.conv2d(padded, weight, bias, strides: Ints(node, "strides", 1, 2), padding: padding,
            dilation: Ints(node, "dilations", 1, 2), groups: Int(node, "group", 1));
    }

    /// <summary>Padding is ignored by ONNX's max: -infinity never wins.</summary>
    private static Tensor MaxPool(NodeProto node, Tensor input)
    {
        var (padded, padding) = Padded(node, input, double.NegativeInfinity);
        return F.max_pool2d(padded, Ints(node, "kernel_shape", 0), Ints(node, "strides", 1, 2), padding);
    }

    /// <summary>
    /// count_include_pad 0 (the default) divides each window's sum by its number of real pixels: the zero-padded average
    /// over the zero-padded average of ones.
    /// </summary>
    private static Tensor AveragePool(NodeProto node, Tensor input)
    {
        long[] kernel = Ints(node, "kernel_shape", 0), strides = Ints(node, "strides", 1, 2);
        long[] pads = TorchPads(node);
        if (pads.All(p => p == 0)) return F.avg_pool2d(input, kernel, strides);
        using var zeroPadded = F.pad(input, pads);
        var average = F.avg_pool2d(zeroPadded, kernel, strides);
        if (Int(node, "count_include_pad", 0) == 1) return average;
        using var real = F.pad(ones(1, 1, input.shape[2], input.shape[3], input.dtype, input.device), pads);
        using var share = F.avg_pool2d(real, kernel, strides);
        return average / share;
    }

    /// <summary>
    /// The input padded as the node's pads say and the symmetric padding left for the torch operator: symmetric pads
    /// are passed on, asymmetric ones (CNTK's) are applied here with the given value.
    /// </summary>
    private static (Tensor Input, long[] Padding) Padded(NodeProto node, Tensor input, double value)
    {
        long[] pads = TorchPads(node); // left, right, top, bottom
        if (pads[0] == pads[1] && pads[2] == pads[3]) return (input, new[] { pads[2], pads[0] });
        return (F.pad(input, pads, value: value), new long[] { 0, 0 });
    }
}
