using System.Globalization;

namespace SmoothInfo.Benchmarks;

/// <summary>
/// Reads fields of Linux's /proc/&lt;pid&gt;/status text. Fields are "Name:", whitespace, value, unit; the kernel pads
/// the value with spaces to a width, so a wide value (an 8-digit VmHWM in kB) is preceded by a tab alone.
/// </summary>
public static class ProcStatus
{
    /// <summary>A "kB" field in bytes, or -1 when the text has no such field.</summary>
    public static long KilobyteField(string statusText, string name)
    {
        foreach (string line in statusText.Split('\n'))
        {
            if (!line.StartsWith(name + ":", StringComparison.Ordinal)) continue;
            // Split on any whitespace (null separator): tabs and spaces both separate.
            var parts = line[(name.Length + 1)..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture) * 1024;
        }
        return -1;
    }
}
