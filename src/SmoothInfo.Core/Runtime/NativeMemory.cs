using System.Runtime.InteropServices;

namespace SmoothInfo.Runtime;

/// <summary>
/// Makes freed large tensor buffers go back to the operating system at once. glibc raises its mmap threshold after
/// large frees and then keeps freed (n*k)^2 buffers in the heap, so the process's resident memory grows past
/// what is alive. Fixing the threshold at 32 MiB (glibc's own ceiling for it) keeps every kernel-sized buffer
/// mmapped and unmapped on free, while the chunk-sized temporaries of streamed passes (4,096 rows of a few hundred
/// float64 columns, 16 MB) are reused from the heap: mapped afresh, each was page-faulted in again on every chunk,
/// which at 1 MiB cost 40% of the CPU time of a million-sample linear probe (368 s against 215 s, peak RSS unchanged at
/// 3.1 GB; docs/benchmarks.md). At 100,000 samples the heap's reuse raised the peak from 0.68 to 0.88 GB.
/// Called once at start-up by the executables; a no-op where glibc is not the allocator.
/// </summary>
public static class NativeMemory
{
    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD in glibc's malloc.h

    public static void ReturnLargeBuffersToTheSystem()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            _ = SetMallocOption(MmapThreshold, 32 << 20);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (e.g. musl): its allocator already returns large buffers.
        }
    }

    // DllImport (not LibraryImport): int arguments need no marshalling, and the library stays free of unsafe code.
    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int SetMallocOption(int parameter, int value);
}
