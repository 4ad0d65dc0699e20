using System.Runtime.InteropServices;
using SmoothInfo.Diagnostics;
using static TorchSharp.torch;

namespace SmoothInfo.Models.Weights;

/// <summary>
/// The legacy route: the parameters and buffers of a TorchScript file (<c>torch.jit.save(torch.jit.script(model), path)</c>
/// or a traced model), by their dotted names, to be copied into the architecture the policy declares. Only the weights
/// are used; the file's code never computes the kernel. Loading goes through libtorch's own deserializer
/// (<c>torch.jit.load</c>), which compiles the archive's TorchScript code and runs any <c>__setstate__</c> it defines:
/// TorchScript cannot reach Python or the shell, but this is a much larger surface than the state_dict and safetensors
/// readers, which is why those are the recommended formats.
/// </summary>
public static class TorchScriptWeights
{
    /// <summary>All named parameters and buffers of the module, as CPU tensors detached from it.</summary>
    public static IReadOnlyDictionary<string, Tensor> Read(string path)
    {
        jit.ScriptModule module;
        try
        {
            module = jit.load(path);
        }
        catch (Exception e) when (e is ExternalException or ArgumentException or IOException)
        {
            throw new InputException(ErrorCodes.WeightsMalformed, $"the TorchScript file cannot be loaded: {e.Message.Split('\n')[0]}",
                "save the weights with torch.save(model.state_dict(), path) or as safetensors; TorchScript is the legacy route.",
                new SourceLocation(path));
        }
        using (module)
        {
            var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var (name, parameter) in module.named_parameters()) tensors.Add(name, parameter.detach().clone());
            foreach (var (name, buffer) in module.named_buffers()) tensors.Add(name, buffer.detach().clone());
            return tensors;
        }
    }
}
