using SmoothInfo.Diagnostics;
using static TorchSharp.torch;

namespace SmoothInfo.Cli;

/// <summary>cpu, cuda or auto (CUDA when this build and machine have it, else CPU).</summary>
public static class Devices
{
    public static Device Resolve(string name) => name switch
    {
        "cpu" => CPU,
        "auto" => cuda.is_available() ? CUDA : CPU,
        "cuda" when cuda.is_available() => CUDA,
        "cuda" => throw new InputException(ErrorCodes.DeviceUnavailable,
            "CUDA was asked for, but this build has no usable CUDA device (it carries the CPU libtorch, or no GPU is present).",
            "use --device cpu or auto, or build with -p:SmoothInfoTorchBackend=cuda on a machine with an NVIDIA GPU."),
        _ => throw new InputException(ErrorCodes.UsageError, $"unknown device '{name}'.", "use cpu, cuda or auto."),
    };
}
