using SmoothInfo.Benchmarks;

namespace SmoothInfo.Tests.Fuzz;

/// <summary>
/// The process's peak resident set (VmHWM), which Linux resets when 5 is written to /proc/self/clear_refs. It sees
/// native allocations (libtorch, SkiaSharp) that the GC's counters do not, once they are touched.
/// </summary>
internal static class ResidentSet
{
    private const string Status = "/proc/self/status";

    /// <summary>Resets the peak to the current resident set and returns it in bytes (0 where /proc is not available).</summary>
    public static long ResetPeak()
    {
        if (!File.Exists(Status)) return 0;
        File.WriteAllText("/proc/self/clear_refs", "5");
        return Math.Max(0, ProcStatus.KilobyteField(File.ReadAllText(Status), "VmRSS"));
    }

    public static long Peak() => File.Exists(Status) ? Math.Max(0, ProcStatus.KilobyteField(File.ReadAllText(Status), "VmHWM")) : 0;
}
