using System.Runtime.InteropServices;

namespace SmoothInfo.Runtime;

/// <summary>
/// Ends a child process whose results are complete (files renamed into place, its streams flushed here) without
/// running the native libraries' exit handlers: libtorch's static destructors tear down thousands of registered
/// operators, about a tenth of a TorchScript child's life (docs/robustness.md). Nothing else is skipped that the
/// parent reads.
/// </summary>
public static class ImmediateExit
{
    public static void WithCode(int code)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        ExitWithoutHandlers(code);
    }

    // _exit(2): the process ends here; the runtime's and the libraries' exit handlers do not run.
    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void ExitWithoutHandlers(int status);
}
