using SmoothInfo.Models;
using SmoothInfo.Models.Backbones;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>
/// The fine-tuning network of the last-block experiment: a stage of an ONNX graph (the backbone's last block), trainable
/// from its pretrained weights, then the global average over positions and a new Linear head in the standard
/// parameterization at the seed; float64, batch normalization on its stored statistics (samples never interact).
/// </summary>
public static class LastBlockNetwork
{
    public static Sequential Build(OnnxGraph graph, string from, string to, long channels, int classes, long seed)
    {
        var network = nn.Sequential(
            ("block", new OnnxGraphModule(graph, from, to, trainable: true)),
            ("pool", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("head", nn.Linear(channels, classes, hasBias: true)));
        StandardParameterization.Initialize(network, seed); // the head only: the block keeps its pretrained weights
        network.to(float64);
        network.eval();
        return network;
    }

    public static (OnnxGraphModule Block, Linear Head) Parts(Sequential network) =>
        ((OnnxGraphModule)network.named_children().Single(c => c.name == "block").module,
         (Linear)network.named_children().Single(c => c.name == "head").module);
}
