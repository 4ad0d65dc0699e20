using System.Runtime.InteropServices;
using SmoothInfo.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Kernels;

/// <summary>
/// One forward pass over a block of samples and k backward passes (one per output, each over the whole block) give,
/// for every linearized layer, its inputs and the gradients of every output with respect to its outputs. Samples do
/// not interact in the supported layers, so row i of the batched gradient of sum_i f_c(x_i) is sample i's own.
/// </summary>
internal static class FeatureExtractor
{
    public static BlockFeatures Compute(LinearizedNetwork network, Tensor inputs)
    {
        using var scope = NewDisposeScope();
        int first = network.FirstLinearizedStep;
        var steps = network.Steps;

        Tensor h = inputs;
        using (no_grad())
        {
            for (int s = 0; s < first; s++) h = Forward(steps[s], h);
        }

        // Only the layer outputs from the first linearized layer on enter the graph; parameters need no gradients.
        var layerInputs = new List<Tensor>();
        var layerOutputs = new List<Tensor>();
        using (enable_grad())
        {
            for (int s = first; s < steps.Count; s++)
            {
                var step = steps[s];
                if (!step.IsLinearized)
                {
                    h = Forward(step, h);
                    continue;
                }
                layerInputs.Add(h.detach());
                if (s == first)
                {
                    using (no_grad()) h = Forward(step, h);
                    h.requires_grad_(true);
                }
                else
                {
                    h = Forward(step, h);
                }
                layerOutputs.Add(h);
            }
        }

        if (h.dim() != 2 || h.shape[0] != inputs.shape[0])
            throw new InputException(ErrorCodes.NetworkOutputShape,
                $"the network maps a batch of shape ({string.Join(", ", inputs.shape)}) to shape ({string.Join(", ", h.shape)}); " +
                "the kernel needs one row of k outputs per sample.",
                "end the network with a Linear layer (flatten image features first).");
        long k = h.shape[1];

        var perOutput = layerOutputs.Select(_ => new List<Tensor>()).ToList();
        for (long c = 0; c < k; c++)
        {
            var seed = zeros_like(h);
            seed.select(1, c).fill_(1.0);
            var grads = autograd.grad(new[] { h }, layerOutputs, new[] { seed }, retain_graph: c < k - 1, create_graph: false, allow_unused: false);
            for (int l = 0; l < grads.Count; l++) perOutput[l].Add(grads[l]);
        }

        var linearized = steps.Where(s => s.IsLinearized).ToList();
        var features = new List<LayerFeatures>();
        for (int l = 0; l < linearized.Count; l++)
        {
            var gradients = stack(perOutput[l], 1);
            features.Add(linearized[l].Kind == LayerKind.Conv2d
                ? ConvolutionFeatures(linearized[l], layerInputs[l], gradients)
                : DenseFeatures(linearized[l], layerInputs[l], gradients));
        }
        // The features outlive this scope and any scope of the caller: BlockFeatures owns and disposes them.
        foreach (var f in features) f.DetachFromDisposeScope();
        return new BlockFeatures(features, inputs.shape[0], k);
    }

    private static Tensor Forward(LayerStep step, Tensor input)
    {
        if (step.Kind == LayerKind.Linear && input.dim() != 2)
            throw new InputException(ErrorCodes.UnsupportedLayerConfiguration,
                $"Linear layer '{step.Name}' receives inputs of shape ({string.Join(", ", input.shape)}); the kernel supports " +
                "Linear layers on (samples, features) inputs only.", "flatten the features before the Linear layer.");
        try
        {
            return step.Module.call(input);
        }
        catch (ExternalException e)
        {
            throw new InputException(ErrorCodes.ShapeMismatch,
                $"layer '{step.Name}' ({step.Module.GetType().Name}) rejects samples of shape ({string.Join(", ", input.shape.Skip(1))}): {FirstLine(e.Message)}",
                "check that the samples' shape matches the network's declared input.");
        }
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    private static DenseLayerFeatures DenseFeatures(LayerStep step, Tensor inputs, Tensor gradients) =>
        new(step.WeightSelected ? inputs.contiguous() : null, gradients, step.BiasSelected);

    /// <summary>
    /// Conv2d: the weight gradient of output c of sample i is G_ic U_i^T, with G_ic (out channels, positions) and U_i
    /// the unfolded (im2col) input (in channels * kernel area, positions); the bias gradient is G_ic summed over positions.
    /// </summary>
    private static PerSampleGradientFeatures ConvolutionFeatures(LayerStep step, Tensor inputs, Tensor gradients)
    {
        var conv = (Conv2d)step.Module;
        long b = gradients.shape[0], k = gradients.shape[1], outChannels = gradients.shape[2];
        var g = gradients.reshape(b, k, outChannels, -1);
        var parts = new List<Tensor>();
        if (step.WeightSelected)
        {
            var unfolded = nn.functional.unfold(inputs,
                (conv.kernel_size[0], conv.kernel_size[1]),
                (conv.dilation[0], conv.dilation[1]),
                (conv.padding![0], conv.padding[1]),  // explicit padding: checked by LinearizedNetwork
                (conv.stride[0], conv.stride[1]));
            parts.Add(g.matmul(unfolded.transpose(1, 2).unsqueeze(1)).reshape(b, k, -1));
        }
        if (step.BiasSelected) parts.Add(g.sum(-1));
        return new PerSampleGradientFeatures(cat(parts, -1));
    }
}
