using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Gate;

/// <summary>
/// The device the policy's estimator.device names on this machine. Checked before any data is read: a CUDA device
/// that is not there would otherwise fail deep inside libtorch as an internal error.
/// </summary>
public static class PolicyDevice
{
    public static Device Resolve(SmoothInfoPolicy policy) => policy.Estimator.Device switch
    {
        ComputeDevice.Cuda when cuda.is_available() => CUDA,
        ComputeDevice.Cuda => throw new InputException(ErrorCodes.DeviceUnavailable,
            "'estimator.device' is cuda, but this build has no usable CUDA device (it carries the CPU libtorch, or no GPU is present).",
            "set 'estimator.device: auto' (CUDA when present, else CPU) or cpu, or pass --device cpu; for a GPU, build with " +
            "-p:SmoothInfoTorchBackend=cuda on a machine with an NVIDIA GPU.",
            policy.Locations.Of("estimator.device")),
        ComputeDevice.Auto when cuda.is_available() => CUDA,
        _ => CPU,
    };
}
