namespace SmoothInfo.Benchmarks;

/// <summary>The load average, printed beside timings: the benchmark machine's cores are shared, and a load above the core count slows every row.</summary>
public static class MachineLoad
{
    public static string Current() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
