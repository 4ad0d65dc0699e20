using SmoothInfo.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Models.Weights;

/// <summary>Puts a user's trained weights into a network of the architecture the policy declares.</summary>
public static class NetworkWeights
{
    /// <summary>
    /// Loads a safetensors file into the network (strict, like PyTorch's <c>load_state_dict(strict=True)</c>): every
    /// parameter and buffer must be present with its exact shape, and the file may hold nothing else. Values are cast to
    /// the network's dtype and copied to its device.
    /// </summary>
    public static void LoadSafetensors(Sequential network, string path)
    {
        var tensors = SafetensorsFile.Read(path);
        try
        {
            Load(network, tensors, new SourceLocation(path));
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>Strictly copies named tensors into the network's parameters and buffers.</summary>
    public static void Load(Sequential network, IReadOnlyDictionary<string, Tensor> tensors, SourceLocation? source = null)
    {
        var expected = network.state_dict();
        var missing = expected.Keys.Where(name => !tensors.ContainsKey(name)).ToList();
        var unexpected = tensors.Keys.Where(name => !expected.ContainsKey(name)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new InputException(ErrorCodes.WeightsDoNotMatchNetwork,
                "the weights do not match the declared architecture: " +
                (missing.Count > 0 ? $"missing {string.Join(", ", missing)}" : "") +
                (missing.Count > 0 && unexpected.Count > 0 ? "; " : "") +
                (unexpected.Count > 0 ? $"not in the network {string.Join(", ", unexpected)}" : "") + ".",
                $"declare the architecture the weights were trained with; the network expects {string.Join(", ", expected.Keys)}.",
                source);
        foreach (var (name, target) in expected)
        {
            var value = tensors[name];
            if (!value.shape.SequenceEqual(target.shape))
                throw new InputException(ErrorCodes.WeightsDoNotMatchNetwork,
                    $"'{name}' has shape ({string.Join(", ", value.shape)}) in the weights but ({string.Join(", ", target.shape)}) in the declared network.",
                    "declare the architecture the weights were trained with.", source);
        }
        using var noGrad = no_grad();
        foreach (var (name, target) in expected) target.copy_(tensors[name]);  // copy_ casts and moves across devices
    }
}
