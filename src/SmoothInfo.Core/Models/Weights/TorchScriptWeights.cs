using System.Diagnostics;
using System.Runtime.InteropServices;
using SmoothInfo.Diagnostics;
using SmoothInfo.Runtime;
using static TorchSharp.torch;

namespace SmoothInfo.Models.Weights;

/// <summary>
/// The legacy route: the parameters and buffers of a TorchScript file (<c>torch.jit.save(torch.jit.script(model), path)</c>
/// or a traced model), by their dotted names, to be copied into the architecture the policy declares. Only the weights
/// are used; the file's code never computes the kernel. Loading goes through libtorch's own deserializer
/// (<c>torch.jit.load</c>), which compiles the archive's TorchScript code and runs any <c>__setstate__</c> it defines:
/// TorchScript cannot reach Python or the shell, but this is a much larger surface than the state_dict and safetensors
/// readers, which is why those are the recommended formats. On some damaged archives libtorch throws through a
/// noexcept frame and std::terminate ends the process, which no catch sees: so <see cref="Read"/> loads in a child
/// process that hands the tensors back as safetensors, and an abort there is an input error here.
/// </summary>
public static class TorchScriptWeights
{
    /// <summary>The hidden subcommand of the tool that runs <see cref="ReadInProcess"/> and writes the tensors as safetensors.</summary>
    public const string ChildCommand = "torchscript-weights";

    private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(5);

    /// <summary>All named parameters and buffers of the module, as CPU tensors, loaded in a child process.</summary>
    public static IReadOnlyDictionary<string, Tensor> Read(string path)
    {
        CheckArchive(path);
        string folder = Directory.CreateTempSubdirectory("smoothinfo-torchscript-").FullName;
        try
        {
            string tensors = Path.Combine(folder, "weights.safetensors");
            using var child = Process.Start(ToolProcess.StartInfo(new[] { ChildCommand, Path.GetFullPath(path), tensors }))!;
            var output = child.StandardOutput.ReadToEndAsync();
            var errors = child.StandardError.ReadToEndAsync();
            if (!child.WaitForExit(ChildTimeout))
            {
                child.Kill(entireProcessTree: true);
                throw Malformed(path, $"libtorch did not finish loading it within {ChildTimeout.TotalMinutes:0} minutes");
            }
            string said = errors.Result + output.Result;
            return child.ExitCode switch
            {
                0 => SafetensorsFile.Read(tensors),
                // The child's own input error, already worded for this file: its message, without the location prefix.
                2 when said.Contains(": error SI", StringComparison.Ordinal) => throw Malformed(path, ChildMessage(said)),
                _ => throw Malformed(path, $"libtorch ended the loading process (exit code {child.ExitCode}: {LastLine(said)})"),
            };
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// <c>torch.jit.load</c> in this process: only for the child process of <see cref="Read"/> (or trusted files), since a
    /// damaged archive can abort the process.
    /// </summary>
    public static IReadOnlyDictionary<string, Tensor> ReadInProcess(string path)
    {
        jit.ScriptModule module;
        try
        {
            module = jit.load(path);
        }
        catch (Exception e) when (e is ExternalException or ArgumentException or IOException)
        {
            throw Malformed(path, e.Message.Split('\n')[0]);
        }
        using (module)
        {
            var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var (name, parameter) in module.named_parameters()) tensors.Add(name, parameter.detach().clone());
            foreach (var (name, buffer) in module.named_buffers()) tensors.Add(name, buffer.detach().clone());
            return tensors;
        }
    }

    /// <summary>
    /// What can be judged before libtorch reads the archive: a zip directory libtorch's reader refuses to open
    /// (<see cref="ZipDirectory"/>, the same checks), every entry's data against its CRC-32 (libtorch checks none,
    /// <see cref="ZipEntryChecksums"/>), then the pickles framed soundly (<see cref="PickleFraming"/>) before libtorch
    /// allocates what their length fields claim. An archive whose zip structure is not followed here is left to libtorch.
    /// </summary>
    internal static void CheckArchive(string path)
    {
        using var file = File.OpenHandle(path);
        var directory = ZipDirectory.Read(file);
        if (directory.Refusal is { } refusal) throw Malformed(path, $"libtorch's zip reader cannot open it: {refusal}", UnopenableFix);
        if (directory.Entries is not { } entries) return;
        if (ZipEntryChecksums.FirstDamaged(file, entries) is { } damaged)
            throw Malformed(path, $"the archive's entry '{damaged.Entry.Name}' is damaged: {damaged.Problem}", DamagedFix);
        foreach (var entry in entries.Where(e => e.Name.EndsWith(".pkl", StringComparison.Ordinal)))
        {
            if (ZipEntryChecksums.Data(file, entry) is { } pickle && PickleFraming.Problem(pickle) is { } unsound)
                throw Malformed(path, $"'{entry.Name}' in the archive is not a sound pickle: {unsound}");
        }
    }

    private const string LegacyFix = "save the weights with torch.save(model.state_dict(), path) or as safetensors; TorchScript is the legacy route.";

    private const string UnopenableFix = "give the archive torch.jit.save wrote, whole (a copy or download cut short loses the directory at its end); " +
        "torch.save(model.state_dict(), path) or safetensors is the recommended format.";

    private const string DamagedFix = "the file changed after it was written (an interrupted copy or download, a disk error): copy or save it again; " +
        "torch.save(model.state_dict(), path) or safetensors is the recommended format.";

    private static InputException Malformed(string path, string reason, string fix = LegacyFix) =>
        new(ErrorCodes.WeightsMalformed, $"the TorchScript file cannot be loaded: {reason.TrimEnd('.')}.", fix, new SourceLocation(path));

    /// <summary>The reason inside the child's diagnostic line "file: error SI2xxx: the TorchScript file cannot be loaded: reason. Fix: ...".</summary>
    private static string ChildMessage(string said)
    {
        string line = said.Split('\n').First(l => l.Contains(": error SI", StringComparison.Ordinal));
        const string Prefix = "the TorchScript file cannot be loaded: ";
        int start = line.IndexOf(Prefix, StringComparison.Ordinal);
        string message = start >= 0 ? line[(start + Prefix.Length)..] : line;
        int fix = message.IndexOf(" Fix: ", StringComparison.Ordinal);
        return fix >= 0 ? message[..fix] : message;
    }

    private static string LastLine(string said) =>
        said.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no message";
}
