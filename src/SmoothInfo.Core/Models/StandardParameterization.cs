using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Models;

/// <summary>
/// Deterministic initialization in PyTorch's standard parameterization: the layer computes W a + b with
/// W and b drawn from U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (what <c>nn.Linear</c>/<c>nn.Conv2d</c> draw by default,
/// Kaiming-uniform with a = sqrt(5)); fan_in = in_features, or in_channels * kernel area for a convolution.
/// Why standard and not the NTK parameterization (W a / sqrt(fan_in) with W ~ N(0, 1)): the user's trained weights
/// come from PyTorch in the standard parameterization, and the kernel, the step size eta and the weight decay of the
/// estimator must mean the same thing for a probe and for the user's network. The two parameterizations give the
/// same functions at initialization but weight each layer's kernel contribution differently (the NTK
/// parameterization scales layer l's contribution by 1/fan_in of that layer).
/// Values are drawn on the CPU in float64 from one generator, layer by layer in order, weight before bias, then cast:
/// the same seed gives the same network on every device and in every dtype (up to the cast).
/// </summary>
public static class StandardParameterization
{
    public static void Initialize(Sequential network, long seed)
    {
        using var generator = new Generator().manual_seed(seed);
        using var noGrad = no_grad();
        foreach (var (_, module) in network.named_modules())
        {
            var (weight, bias, fanIn) = module switch
            {
                Linear linear => (linear.weight, linear.bias, linear.in_features),
                Conv2d conv => (conv.weight, conv.bias, conv.in_channels / conv.groups * conv.kernel_size.Aggregate(1L, (a, b) => a * b)),
                _ => ((Parameter?)null, (Parameter?)null, 0L),
            };
            if (weight is null) continue;
            double bound = 1.0 / Math.Sqrt(fanIn);
            Fill(weight, bound, generator);
            if (bias is not null) Fill(bias, bound, generator);
        }
    }

    private static void Fill(Parameter parameter, double bound, Generator generator)
    {
        using var values = empty(parameter.shape, ScalarType.Float64).uniform_(-bound, bound, generator);
        parameter.copy_(values);
    }
}
