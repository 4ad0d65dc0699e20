namespace SmoothInfo.Planning;

/// <summary>
/// The memory this machine has available now, for budgets written as a share ("50%"): MemAvailable from /proc/meminfo
/// on Linux (free memory plus what the kernel can reclaim, the figure `free` shows), else what the GC sees as available.
/// </summary>
public static class AvailableMemory
{
    public static long Bytes()
    {
        const string meminfo = "/proc/meminfo";
        if (File.Exists(meminfo))
        {
            foreach (string line in File.ReadLines(meminfo))
                if (MemAvailableKilobytes(line) is { } kilobytes) return kilobytes * 1024;
        }
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }

    /// <summary>The value of a "MemAvailable:   123456 kB" line, or null for any other line.</summary>
    internal static long? MemAvailableKilobytes(string line)
    {
        if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) return null;
        var fields = line["MemAvailable:".Length..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 1 && long.TryParse(fields[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long kb) ? kb : null;
    }
}
