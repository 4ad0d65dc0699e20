using System.CommandLine;
using SmoothInfo.Models.Weights;

namespace SmoothInfo.Cli.Commands;

/// <summary>
/// Hidden: `smoothinfo torchscript-weights &lt;archive&gt; &lt;out.safetensors&gt;`, the child process in which
/// <see cref="TorchScriptWeights.Read"/> runs libtorch's torch.jit.load, so an abort inside it ends this process, not the gate.
/// </summary>
public static class TorchScriptWeightsCommand
{
    public static Command Create()
    {
        var archive = new Argument<string>("archive") { Description = "the TorchScript file" };
        var output = new Argument<string>("out") { Description = "where to write its parameters and buffers as safetensors" };
        var command = new Command(TorchScriptWeights.ChildCommand, "Internal: load a TorchScript file's tensors in a separate process.")
        {
            archive, output,
        };
        command.Hidden = true;
        command.SetAction(result =>
        {
            var tensors = TorchScriptWeights.ReadInProcess(result.GetValue(archive)!);
            try
            {
                SafetensorsFile.Write(result.GetValue(output)!, tensors);
            }
            finally
            {
                foreach (var tensor in tensors.Values) tensor.Dispose();
            }
            return 0;
        });
        return command;
    }
}
