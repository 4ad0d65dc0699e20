using SmoothInfo.Models;
using SmoothInfo.Policy.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Kernels;

/// <summary>Small float64 networks and inputs covering every layer type the kernel supports.</summary>
internal static class TestNetworks
{
    public const int Outputs = 3;

    public static Sequential Mlp(NetworkActivation activation, long seed = 7) =>
        ProbeNetworks.Build(new MlpSpec(5, new[] { 7, 4 }, Outputs, activation), seed);

    public static Sequential Cnn(Pooling pooling, long seed = 7) =>
        ProbeNetworks.Build(new CnnSpec(2, 8, 8, new[] { 3, 4 }, Outputs, Activation.Tanh, Pooling: pooling), seed);

    /// <summary>
    /// Convolutions with stride, dilation, no padding, no bias, a rectangular kernel, an adaptive pool and the other
    /// per-sample activations, nested in a Sequential: the unfold arguments and every allowed module are exercised.
    /// </summary>
    public static Sequential OddConvolutions(long seed = 7)
    {
        var network = nn.Sequential(
            ("conv", nn.Conv2d(2, 3, kernel_size: (3, 2), stride: (2, 1), padding: (0, 1), dilation: (1, 2), bias: false)),
            ("act", nn.SiLU()),
            ("body", nn.Sequential(
                ("conv", nn.Conv2d(3, 4, kernel_size: 2, stride: 1, padding: 1, dilation: 2, bias: true)),
                ("act", nn.ELU()),
                ("pool", nn.AdaptiveAvgPool2d(new long[] { 2, 2 })))),
            ("flat", nn.Flatten()),
            ("soft", nn.Softplus()),
            ("fc", nn.Linear(16, 6, hasBias: false)),
            ("leaky", nn.LeakyReLU(0.1)),
            ("id", nn.Identity()),
            ("head", nn.Linear(6, Outputs)));
        StandardParameterization.Initialize(network, seed);
        network.to(float64);
        return network;
    }

    public static Tensor MlpInputs(long samples, long seed = 11)
    {
        using var g = new Generator().manual_seed(seed);
        return randn(new[] { samples, 5L }, float64, generator: g);
    }

    public static Tensor ImageInputs(long samples, long seed = 11)
    {
        using var g = new Generator().manual_seed(seed);
        return randn(new[] { samples, 2L, 8, 8 }, float64, generator: g);
    }
}
