using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Models;

/// <summary>
/// Builds the probe networks declared in a policy as plain <c>nn.Sequential</c> stacks, so that the kernel code
/// handles a probe and a user's own network of the same architecture identically. Layers are named by their
/// index in the stack ("0", "2", ...), as PyTorch names them, so parameter names match a PyTorch state_dict of the
/// same architecture ("0.weight", "0.bias", ...).
/// </summary>
public static class ProbeNetworks
{
    public static Sequential Build(MlpSpec spec, long seed, ScalarType dtype = ScalarType.Float64, Device? device = null)
    {
        spec.Validate();
        var layers = new List<nn.Module<Tensor, Tensor>>();
        long width = spec.InputDim;
        foreach (int hidden in spec.HiddenWidths)
        {
            layers.Add(nn.Linear(width, hidden, hasBias: true));
            layers.Add(spec.Activation.CreateModule());
            width = hidden;
        }
        layers.Add(nn.Linear(width, spec.Outputs, hasBias: true));
        return Finish(layers, seed, dtype, device);
    }

    public static Sequential Build(CnnSpec spec, long seed, ScalarType dtype = ScalarType.Float64, Device? device = null)
    {
        spec.Validate();
        var layers = new List<nn.Module<Tensor, Tensor>>();
        long channels = spec.InputChannels;
        foreach (int outChannels in spec.ConvChannels)
        {
            layers.Add(nn.Conv2d(channels, outChannels, kernel_size: spec.KernelSize, stride: 1, padding: spec.KernelSize / 2, bias: true));
            layers.Add(spec.Activation.CreateModule());
            layers.Add(spec.Pooling == Pooling.Max ? nn.MaxPool2d(2) : nn.AvgPool2d(2));
            channels = outChannels;
        }
        layers.Add(nn.Flatten());
        layers.Add(nn.Linear(spec.FlattenedFeatures, spec.Outputs, hasBias: true));
        return Finish(layers, seed, dtype, device);
    }

    private static Sequential Finish(List<nn.Module<Tensor, Tensor>> layers, long seed, ScalarType dtype, Device? device)
    {
        var network = nn.Sequential(layers.Select((m, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), m)));
        StandardParameterization.Initialize(network, seed);
        network.to(dtype);
        if (device is not null) network.to(device);
        network.eval();
        return network;
    }
}
