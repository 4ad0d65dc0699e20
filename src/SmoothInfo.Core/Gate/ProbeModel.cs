using SmoothInfo.Data;
using SmoothInfo.Diagnostics;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Models.Weights;
using SmoothInfo.Policy.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Gate;

/// <summary>The policy's network for this dataset: the probe architecture, its seeded start, optional trained weights.</summary>
public static class ProbeModel
{
    public static Sequential Build(ModelPolicy model, Dataset dataset, long seed, ScalarType dtype, Device device)
    {
        int outputs = dataset.ClassNames.Count;
        var activation = NetworkActivation.Of(model.Probe.Activation);
        var shape = dataset.SampleShape;
        var network = model.Probe.Kind switch
        {
            ProbeKind.Mlp => ProbeNetworks.Build(new MlpSpec(dataset.FeatureCount, model.Probe.Widths, outputs, activation), seed, dtype, device),
            ProbeKind.Cnn when shape.Count is 2 or 3 => ProbeNetworks.Build(new CnnSpec(shape.Count == 3 ? shape[0] : 1, shape[^2], shape[^1],
                model.Probe.Channels, outputs, activation, model.Probe.KernelSize), seed, dtype, device),
            ProbeKind.Cnn => throw new InputException(ErrorCodes.InvalidNetworkSpec,
                $"a cnn probe needs image samples, but this dataset's samples have shape [{string.Join(", ", shape)}].",
                "use 'model.probe.kind: mlp' for tabular data."),
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
        if (model.Weights is { } weights) NetworkWeights.Load(network, weights, model.WeightsFormat);
        return network;
    }

    /// <summary>Which parameters are linearized: all, or the last N layers.</summary>
    public static ParameterSelection Selection(ModelPolicy model) =>
        model.LinearizeLastLayers is { } last ? ParameterSelection.LastLayers(last) : ParameterSelection.All;

    /// <summary>The policy's projection of the Jacobian (seeded by the estimator's seed), or null for the exact one.</summary>
    public static JacobianProjection? Projection(EstimatorPolicy estimator) => estimator.Kernel.Projection switch
    {
        { Kind: JacobianProjectionKind.None } => null,
        { Kind: JacobianProjectionKind.CoordinateSubset } p => new JacobianProjection(ProjectionKind.CoordinateSubset, p.Dimension, estimator.Seed),
        var p => new JacobianProjection(ProjectionKind.SparseSign, p.Dimension, estimator.Seed, p.Sparsity),
    };

    /// <summary>Inputs in the layout the network takes (<see cref="InputShape"/> per sample).</summary>
    public static Tensor Inputs(Dataset dataset, ModelPolicy model, ScalarType dtype) =>
        DatasetTensors.Features(dataset, dtype).reshape(new[] { (long)dataset.Count }.Concat(InputShape(dataset, model)).ToArray());

    /// <summary>One sample as the network takes it: a flat row for an MLP, [channels, height, width] for a CNN.</summary>
    public static long[] InputShape(Dataset dataset, ModelPolicy model) =>
        model.Probe.Kind == ProbeKind.Mlp ? new long[] { dataset.FeatureCount }
        : dataset.SampleShape.Count == 2 ? new long[] { 1, dataset.SampleShape[0], dataset.SampleShape[1] }
        : dataset.SampleShape.Select(v => (long)v).ToArray();
}
