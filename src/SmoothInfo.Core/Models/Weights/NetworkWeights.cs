using System.IO.Compression;
using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Models.Weights;

/// <summary>Puts a user's trained weights into a network of the architecture the policy declares.</summary>
public static class NetworkWeights
{
    /// <summary>
    /// Loads a weights file into the network (strict, like PyTorch's <c>load_state_dict(strict=True)</c>): every
    /// parameter and buffer must be present with its exact shape, and the file may hold nothing else. Values are cast to
    /// the network's dtype and copied to its device. <see cref="WeightsFormat.Auto"/> decides by content (see
    /// <see cref="Detect"/>), not by extension, so a renamed file is still read by the reader that understands it.
    /// </summary>
    public static void Load(Sequential network, string path, WeightsFormat format = WeightsFormat.Auto)
    {
        if (!File.Exists(path))
            throw new InputException(ErrorCodes.FileNotFound, $"the weights file '{path}' does not exist.",
                "check the model's weights path in the policy.", new SourceLocation(path));
        var tensors = (format == WeightsFormat.Auto ? Detect(path) : format) switch
        {
            WeightsFormat.Safetensors => SafetensorsFile.Read(path),
            WeightsFormat.StateDict => TorchStateDictFile.Read(path),
            WeightsFormat.Torchscript => TorchScriptWeights.Read(path),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        try
        {
            Load(network, tensors, new SourceLocation(path));
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>
    /// The format of a weights file from its first bytes: safetensors when its JSON header starts after the 8-byte
    /// length; a zip is a torch.save archive, TorchScript when it holds constants.pkl (torch.jit.save writes it,
    /// torch.save does not); a pickle (0x80) is the pre-1.6 torch.save format, which the state_dict reader then refuses
    /// with its fix; anything else is read as safetensors, whose reader says what is wrong.
    /// </summary>
    public static WeightsFormat Detect(string path)
    {
        Span<byte> head = stackalloc byte[9];
        using (var stream = File.OpenRead(path))
        {
            int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            // First, as a safetensors header length may start with any byte, 0x80 and 'P' included.
            if (read == 9 && head[8] == (byte)'{') return WeightsFormat.Safetensors;
            if (read >= 1 && head[0] == 0x80) return WeightsFormat.StateDict;
            if (read < 4 || !head[..4].SequenceEqual("PK\x03\x04"u8)) return WeightsFormat.Safetensors;
        }
        try
        {
            using var zip = ZipFile.OpenRead(path);
            return zip.Entries.Any(e => e.FullName.EndsWith("/constants.pkl", StringComparison.Ordinal))
                ? WeightsFormat.Torchscript : WeightsFormat.StateDict;
        }
        catch (InvalidDataException)
        {
            return WeightsFormat.StateDict;  // its reader reports the broken zip with the fix
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
