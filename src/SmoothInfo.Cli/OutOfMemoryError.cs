using System.Runtime.InteropServices;
using SmoothInfo.Diagnostics;

namespace SmoothInfo.Cli;

/// <summary>
/// An allocation that failed because the problem is too large for this machine: an input error with a fix (a smaller
/// problem), not an internal failure with a native stack trace. libtorch's allocators fail with an
/// <see cref="ExternalException"/> whose message starts with the reason ("DefaultCPUAllocator: can't allocate memory:
/// you tried to allocate N bytes", "CUDA out of memory") and goes on with the native frames.
/// </summary>
public static class OutOfMemoryError
{
    private static readonly string[] AllocatorMessages = { "DefaultCPUAllocator", "out of memory", "can't allocate memory", "alloc_cpu" };

    public static bool Matches(Exception e) =>
        e is OutOfMemoryException
        || e is ExternalException && AllocatorMessages.Any(m => FirstLine(e.Message).Contains(m, StringComparison.OrdinalIgnoreCase));

    /// <param name="command">The subcommand that ran: `kernel` takes its sizes from the arrays, the others from the policy.</param>
    public static InputException From(Exception e, string command)
    {
        string reason = FirstLine(e.Message);
        int cut = reason.IndexOf("] ", StringComparison.Ordinal);
        if (reason.StartsWith("[enforce fail", StringComparison.Ordinal) && cut >= 0) reason = reason[(cut + 2)..];
        string fix = command == "kernel"
            ? "pass smaller kernels (fewer samples or outputs: the train kernel has (n k)^2 entries), or --precision float32 to halve them."
            : "lower 'estimator.maxSamples' and use a subset of the data (the kernel grows with the square of the sample count), or set " +
              "'estimator.kernel.projection' (kind: sparse-sign, a smaller dimension) or a smaller 'model.linearize' for a wide network, " +
              "or 'estimator.precision: float32' to halve every tensor; the planner let this run start under 'estimator.memoryBudget', " +
              "so lower that too (other processes may have taken the memory it counted on).";
        return new InputException(ErrorCodes.OutOfMemory, $"out of memory: the computation needs more memory than this machine gives it ({reason.TrimEnd('.')}).", fix);
    }

    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(new[] { '\r', '\n' });
        return (end >= 0 ? message[..end] : message).Trim();
    }
}
