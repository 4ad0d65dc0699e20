using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Models;

/// <summary>
/// A probe network's pointwise nonlinearity (all act on each sample separately): one of the policy's
/// (<see cref="Activation"/>, model.probe.activation), or sigmoid or identity, which only networks built in code use
/// (the kernel tests' smooth bounded and linear networks). The policy's names are the policy's enum: no second list.
/// </summary>
public sealed class NetworkActivation
{
    public static readonly NetworkActivation Sigmoid = new("sigmoid", () => nn.Sigmoid());
    public static readonly NetworkActivation Identity = new("identity", () => nn.Identity());

    private static readonly Dictionary<Activation, NetworkActivation> OfPolicy =
        Enum.GetValues<Activation>().ToDictionary(a => a, a => new NetworkActivation(KebabCase.Of(a), Module(a)));

    private readonly Func<nn.Module<Tensor, Tensor>> _create;

    private NetworkActivation(string name, Func<nn.Module<Tensor, Tensor>> create)
    {
        Name = name;
        _create = create;
    }

    public string Name { get; }

    public static NetworkActivation Of(Activation activation) => OfPolicy[activation];

    public static implicit operator NetworkActivation(Activation activation) => Of(activation);

    /// <summary>A fresh module computing the activation (exact GELU, not the tanh approximation).</summary>
    public nn.Module<Tensor, Tensor> CreateModule() => _create();

    public override string ToString() => Name;

    private static Func<nn.Module<Tensor, Tensor>> Module(Activation activation) => activation switch
    {
        Activation.Relu => () => nn.ReLU(),
        Activation.Tanh => () => nn.Tanh(),
        Activation.Gelu => () => nn.GELU(),
        Activation.Softplus => () => nn.Softplus(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };
}
