using SmoothInfo.Diagnostics;
using static TorchSharp.torch;

namespace SmoothInfo.Models;

/// <summary>The pointwise nonlinearities a probe network may use (all act on each sample separately).</summary>
public enum Activation
{
    Relu,
    Tanh,
    Gelu,
    Softplus,
    Sigmoid,
    Identity,
}

public static class Activations
{
    /// <summary>The policy spelling of each activation.</summary>
    public static string PolicyName(this Activation activation) => activation.ToString().ToLowerInvariant();

    /// <summary>Parses a policy name (case-insensitive); an unknown name is the user's error and lists the choices.</summary>
    public static Activation Parse(string name)
    {
        foreach (var activation in Enum.GetValues<Activation>())
            if (string.Equals(activation.PolicyName(), name, StringComparison.OrdinalIgnoreCase))
                return activation;
        throw new InputException(ErrorCodes.InvalidNetworkSpec,
            $"unknown activation '{name}'.",
            $"use one of: {string.Join(", ", Enum.GetValues<Activation>().Select(a => a.PolicyName()))}.");
    }

    /// <summary>A fresh module computing the activation (exact GELU, not the tanh approximation).</summary>
    public static nn.Module<Tensor, Tensor> CreateModule(this Activation activation) => activation switch
    {
        Activation.Relu => nn.ReLU(),
        Activation.Tanh => nn.Tanh(),
        Activation.Gelu => nn.GELU(),
        Activation.Softplus => nn.Softplus(),
        Activation.Sigmoid => nn.Sigmoid(),
        Activation.Identity => nn.Identity(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };
}
