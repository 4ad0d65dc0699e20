using SmoothInfo.Kernels;
using SmoothInfo.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Planning;

/// <summary>A network probe's sizes for the planner, from the network's parameter shapes (nothing is run through it).</summary>
public static class NetworkSizes
{
    /// <param name="inputShape">One input sample as the network takes it (e.g. [features], or [channels, height, width]).</param>
    public static ProblemSize Of(Sequential network, ParameterSelection selection, long samples, long outputs, IReadOnlyList<long> inputShape,
        long heldOut, ScalarType dtype, JacobianProjection? projection)
    {
        var linearized = LinearizedNetwork.Create(network, selection);
        long d = linearized.LinearizedParameterCount, inputFeatures = inputShape.Aggregate(1L, (a, b) => a * b);
        // The kernel's blocks measure a sample's features on one sample; so does the plan, on a zero input of that shape.
        using var zero = zeros(new[] { 1L }.Concat(inputShape).ToArray(), linearized.DType, linearized.Device);
        using var features = FeatureExtractor.Compute(linearized, zero);
        bool head = projection is null && LinearHead.Applies(network, selection);
        return new ProblemSize(samples, outputs, inputFeatures, heldOut, ElementBytes(dtype))
        {
            LinearizedParameters = d,
            ProjectedDimension = projection?.Dimension,
            HeadFeatures = head ? d / outputs : null,
            NtkFeatureBytesPerSample = features.Bytes,
        };
    }

    public static int ElementBytes(ScalarType dtype) => dtype == ScalarType.Float32 ? 4 : 8;
}
