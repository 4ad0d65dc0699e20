using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Kernels;

/// <summary>
/// A network whose linearized parameters are exactly its final Linear layer: its kernel is (Phi Phi^T) (x) I_k with
/// Phi the layer's inputs, so the weight-space path needs only those features (see <see cref="LinearHeadLeaveOneOut"/>).
/// </summary>
public static class LinearHead
{
    private const long BlockRows = 4096;

    /// <summary>Whether the selection linearizes exactly the final Linear layer (its weight, and its bias if it has one).</summary>
    public static bool Applies(Sequential network, Models.ParameterSelection selection)
    {
        var linearized = LinearizedNetwork.Create(network, selection);
        var last = linearized.Steps[^1];
        return last.Kind == LayerKind.Linear && last.WeightSelected
            && last.BiasSelected == (LinearizedNetwork.BiasOf(last.Module) is not null)
            && linearized.Steps.Take(linearized.Steps.Count - 1).All(s => !s.IsLinearized);
    }

    /// <summary>The weight-space problem: head inputs and initial outputs of the training (and held-out) samples.</summary>
    public static LinearHeadProblem Problem(Sequential network, Tensor inputs, Tensor targets, Tensor? heldOut = null)
    {
        if (!Applies(network, Models.ParameterSelection.LastLayers(1)))
            throw new InputException(ErrorCodes.UnsupportedLayer, "the network does not end with a Linear layer, so it has no linear head.",
                "end the network with a Linear layer.");
        var head = (Linear)LinearizedNetwork.Create(network, Models.ParameterSelection.LastLayers(1)).Steps[^1].Module;
        var (features, outputs) = Run(network, inputs);
        var (testFeatures, testOutputs) = heldOut is null ? (null, null) : Run(network, heldOut);
        return new LinearHeadProblem(features, targets.to(features.dtype, features.device), outputs, head.bias is not null, testFeatures, testOutputs);
    }

    /// <summary>Inputs of the final layer and the network's outputs, in row blocks without autograd.</summary>
    private static (Tensor Features, Tensor Outputs) Run(Sequential network, Tensor inputs)
    {
        var linearized = LinearizedNetwork.Create(network, Models.ParameterSelection.LastLayers(1));
        var steps = linearized.Steps;
        var featureBlocks = new List<Tensor>();
        var outputBlocks = new List<Tensor>();
        using var noGrad = no_grad();
        for (long first = 0; first < inputs.shape[0]; first += BlockRows)
        {
            using var scope = NewDisposeScope();
            var h = inputs.narrow(0, first, Math.Min(BlockRows, inputs.shape[0] - first)).to(linearized.DType, linearized.Device);
            for (int s = 0; s < steps.Count - 1; s++) h = steps[s].Module.call(h);
            featureBlocks.Add(h.contiguous().MoveToOuterDisposeScope());
            outputBlocks.Add(steps[^1].Module.call(h).MoveToOuterDisposeScope());
        }
        var features = cat(featureBlocks, 0);
        var outputs = cat(outputBlocks, 0);
        foreach (var t in featureBlocks.Concat(outputBlocks)) t.Dispose();
        return (features, outputs);
    }
}
