using SmoothInfo.Kernels;
using SmoothInfo.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Planning;

/// <summary>A network probe's sizes for the planner, from the network's parameter shapes (nothing is run through it).</summary>
public static class NetworkSizes
{
    /// <param name="inputFeatures">Values per input sample (what the inputs tensor holds per row).</param>
    public static ProblemSize Of(Sequential network, ParameterSelection selection, long samples, long outputs, long inputFeatures,
        long heldOut, ScalarType dtype, JacobianProjection? projection)
    {
        long d = LinearizedNetwork.Create(network, selection).LinearizedParameterCount;
        bool head = projection is null && LinearHead.Applies(network, selection);
        return new ProblemSize(samples, outputs, inputFeatures, heldOut, ElementBytes(dtype))
        {
            LinearizedParameters = d,
            ProjectedDimension = projection?.Dimension,
            HeadFeatures = head ? d / outputs : null,
        };
    }

    public static int ElementBytes(ScalarType dtype) => dtype == ScalarType.Float32 ? 4 : 8;
}
