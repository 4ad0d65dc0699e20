using System.Diagnostics;
using SmoothInfo.Diagnostics;

namespace SmoothInfo.IO;

/// <summary>
/// Writes a file so that readers see either the old content or the whole new one: write a temporary
/// file beside the target, then rename it over. An interrupted run leaves no half-written output; a failed
/// write (read-only folder, full disk) leaves the old file and is an <see cref="InputException"/> naming the file.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)!;
        string temp = Path.Combine(directory, $"{TempPrefix(fullPath)}{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            RemoveLeftovers(fullPath);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, fullPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(ErrorCodes.OutputNotWritable, $"the file cannot be written ({e.Message}); the previous one, if any, is unchanged.",
                "make its folder writable and free some disk space (reports go to 'reports.directory' or --report-dir, the estimator cache beside them), then run again.",
                new SourceLocation(fullPath));
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });

    private static string TempPrefix(string fullPath) => $".{Path.GetFileName(fullPath)}.";

    /// <summary>Temporary files a killed run left beside the target (their process is gone), so they do not pile up.</summary>
    private static void RemoveLeftovers(string fullPath)
    {
        string prefix = TempPrefix(fullPath);
        foreach (string leftover in Directory.EnumerateFiles(Path.GetDirectoryName(fullPath)!, prefix + "*.tmp"))
        {
            string[] parts = Path.GetFileName(leftover)[prefix.Length..].Split('.');
            if (int.TryParse(parts[0], out int pid) && !IsRunning(pid)) File.Delete(leftover);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
