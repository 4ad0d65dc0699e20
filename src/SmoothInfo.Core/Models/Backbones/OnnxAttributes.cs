using Onnx;

namespace SmoothInfo.Models.Backbones;

/// <summary>A node's attributes with ONNX's defaults, for the ported operators and for code that mirrors them (kernels of a ported stage).</summary>
public static class OnnxAttributes
{
    public static AttributeProto? Find(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    public static long Int(NodeProto node, string name, long absent) => Find(node, name)?.I ?? absent;

    public static float Float(NodeProto node, string name, float absent) => Find(node, name)?.F ?? absent;

    /// <summary>A list attribute; absent: <paramref name="count"/> copies of <paramref name="absent"/> (none for count 0).</summary>
    public static long[] Ints(NodeProto node, string name, long absent, int count = 0) =>
        Find(node, name) is { } a ? a.Ints.ToArray() : Enumerable.Repeat(absent, count).ToArray();

    /// <summary>
    /// A 2-D node's pads as torch's pad takes them, last dimension first: ONNX's [top, left, bottom, right] as
    /// (left, right, top, bottom).
    /// </summary>
    public static long[] TorchPads(NodeProto node)
    {
        long[] pads = Ints(node, "pads", 0, 4);
        return new[] { pads[1], pads[3], pads[0], pads[2] };
    }
}
