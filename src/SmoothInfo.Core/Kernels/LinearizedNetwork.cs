using SmoothInfo.Diagnostics;
using SmoothInfo.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Kernels;

/// <summary>How the kernel treats one module of the stack.</summary>
internal enum LayerKind
{
    /// <summary>No parameters, acts on each sample separately (activations, pooling, flatten): autograd passes through.</summary>
    PerSample,
    Linear,
    Conv2d,

    /// <summary>Any other module: allowed only before the first linearized layer, where it just runs forward.</summary>
    ForwardOnly,
}

/// <summary>One module of the flattened stack, with which of its parameters are linearized.</summary>
internal sealed record LayerStep(string Name, nn.Module<Tensor, Tensor> Module, LayerKind Kind, bool WeightSelected, bool BiasSelected)
{
    public bool IsLinearized => WeightSelected || BiasSelected;
}

/// <summary>
/// A network checked for what the kernel supports, flattened into its steps, with the linearized parameters
/// resolved. From the first linearized layer on, only modules that treat each sample on its own are allowed: a
/// module that mixes samples (batch norm in training) or owns parameters we do not take gradients of layer-wise
/// (LSTM, embeddings, norms) is rejected by name. Before it (a frozen body under a linearized head) any module may
/// appear: it only runs forward, once per sample block.
/// </summary>
internal sealed class LinearizedNetwork
{
    private static readonly Type[] PerSampleModules =
    {
        typeof(ReLU), typeof(LeakyReLU), typeof(Tanh), typeof(Sigmoid), typeof(GELU), typeof(SiLU), typeof(ELU),
        typeof(Softplus), typeof(Identity), typeof(Flatten), typeof(MaxPool2d), typeof(AvgPool2d), typeof(AdaptiveAvgPool2d),
    };

    public static string SupportedLayers =>
        "Linear, Conv2d (groups 1, zero padding), " + string.Join(", ", PerSampleModules.Select(t => t.Name)) + ", nested Sequential";

    private LinearizedNetwork(IReadOnlyList<LayerStep> steps, ScalarType dtype, Device device, long parameterCount)
    {
        Steps = steps;
        DType = dtype;
        Device = device;
        LinearizedParameterCount = parameterCount;
    }

    public IReadOnlyList<LayerStep> Steps { get; }
    public ScalarType DType { get; }
    public Device Device { get; }

    /// <summary>d, the number of linearized parameters (columns of the Jacobian).</summary>
    public long LinearizedParameterCount { get; }

    /// <summary>Index of the first step with linearized parameters: everything before it runs without autograd.</summary>
    public int FirstLinearizedStep => Steps.Select((s, i) => (s, i)).First(p => p.s.IsLinearized).i;

    public static LinearizedNetwork Create(Sequential network, ParameterSelection selection)
    {
        var flat = new List<(string Name, nn.Module<Tensor, Tensor> Module, LayerKind Kind)>();
        Flatten(network, "", flat);
        var parametric = flat.Where(s => s.Kind is LayerKind.Linear or LayerKind.Conv2d)
            .Select(s => new ParametricLayer(s.Name, BiasOf(s.Module) is not null)).ToList();
        if (parametric.Count == 0)
            throw new InputException(ErrorCodes.UnsupportedLayer, "the network has no Linear or Conv2d layer: there is nothing to linearize.",
                $"supported layers: {SupportedLayers}.");
        var selected = selection.Resolve(parametric);
        var steps = flat.Select(s => new LayerStep(s.Name, s.Module, s.Kind,
            selected.Contains(s.Name + ".weight"), selected.Contains(s.Name + ".bias"))).ToList();
        int firstLinearized = steps.FindIndex(s => s.IsLinearized);
        var unsupported = steps.Skip(firstLinearized).FirstOrDefault(s => s.Kind == LayerKind.ForwardOnly);
        if (unsupported is not null)
            throw new InputException(ErrorCodes.UnsupportedLayer,
                $"layer '{unsupported.Name}' is a {unsupported.Module.GetType().Name}, which the kernel does not support " +
                $"after the first linearized layer ('{steps[firstLinearized].Name}').",
                $"supported layers: {SupportedLayers}. Remove the layer, or linearize only layers after it.");
        foreach (var step in steps.Skip(firstLinearized))
            if (step.Module is Conv2d conv) CheckConvolution(step.Name, conv);

        var first = network.parameters().First();
        long count = steps.Sum(s => (s.WeightSelected ? WeightOf(s.Module)!.numel() : 0) + (s.BiasSelected ? BiasOf(s.Module)!.numel() : 0));
        return new LinearizedNetwork(steps, first.dtype, first.device, count);
    }

    public static Parameter? WeightOf(nn.Module module) => module switch
    {
        Linear l => l.weight,
        Conv2d c => c.weight,
        _ => null,
    };

    public static Parameter? BiasOf(nn.Module module) => module switch
    {
        Linear l => l.bias,
        Conv2d c => c.bias,
        _ => null,
    };

    private static void Flatten(Sequential network, string prefix, List<(string, nn.Module<Tensor, Tensor>, LayerKind)> into)
    {
        foreach (var (childName, child) in network.named_children())
        {
            string name = prefix + childName;
            switch (child)
            {
                case Sequential nested:
                    Flatten(nested, name + ".", into);
                    break;
                case Linear linear:
                    into.Add((name, linear, LayerKind.Linear));
                    break;
                case Conv2d conv:
                    into.Add((name, conv, LayerKind.Conv2d));
                    break;
                case nn.Module<Tensor, Tensor> module:
                    into.Add((name, module, PerSampleModules.Contains(module.GetType()) ? LayerKind.PerSample : LayerKind.ForwardOnly));
                    break;
                default:
                    throw new InputException(ErrorCodes.UnsupportedLayer,
                        $"layer '{name}' is a {child.GetType().Name}, which does not map one tensor to one tensor.",
                        $"supported layers: {SupportedLayers}.");
            }
        }
    }

    private static void CheckConvolution(string name, Conv2d conv)
    {
        string? problem = conv.groups != 1 ? $"has groups = {conv.groups}"
            : conv.padding_mode != PaddingModes.Zeros ? $"pads with {conv.padding_mode}"
            : conv.padding_type is not null ? $"uses padding '{conv.padding_type}'"
            : null;
        if (problem is not null)
            throw new InputException(ErrorCodes.UnsupportedLayerConfiguration,
                $"Conv2d layer '{name}' {problem}; the kernel supports Conv2d with groups 1 and explicit zero padding.",
                "declare the convolution with numeric zero padding and groups 1.");
    }
}
