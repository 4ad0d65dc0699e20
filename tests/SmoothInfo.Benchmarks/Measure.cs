using System.Diagnostics;

namespace SmoothInfo.Benchmarks;

/// <summary>Wall time and peak resident memory of a piece of work (peak from /proc/self/status VmHWM).</summary>
public static class Measure
{
    public static (T Result, TimeSpan Elapsed) Time<T>(Func<T> work)
    {
        var watch = Stopwatch.StartNew();
        T result = work();
        return (result, watch.Elapsed);
    }

    /// <summary>Peak resident set size of this process so far, in bytes (Linux), or -1.</summary>
    public static long PeakResidentBytes()
    {
        const string status = "/proc/self/status";
        return File.Exists(status) ? ProcStatus.KilobyteField(File.ReadAllText(status), "VmHWM") : -1;
    }

    /// <summary>Resets the peak so that the next reading covers only what follows (Linux: write 5 to clear_refs).</summary>
    public static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
