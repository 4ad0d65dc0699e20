using System.Diagnostics;

namespace SmoothInfo.Tests.Faults;

/// <summary>
/// A small tmpfs mounted over a folder, for a real read-only folder and a real full disk (root only: as root, file
/// permissions do not make a folder read-only). Tests that need one are skipped with the reason where mounting fails.
/// </summary>
internal sealed class Tmpfs : IDisposable
{
    private Tmpfs(string folder) => Folder = folder;

    public string Folder { get; }

    public static Tmpfs MountOrIgnore(string folder, string size)
    {
        Directory.CreateDirectory(folder);
        if (Environment.UserName != "root" || Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", folder) is not null)
            Assert.Ignore($"needs root to mount a tmpfs over {folder}: {(Environment.UserName != "root" ? "not root" : "mount failed")}");
        return new Tmpfs(folder);
    }

    public void ReadOnly(bool readOnly) => Must(Run("mount", "-o", $"remount,{(readOnly ? "ro" : "rw")}", Folder));

    /// <summary>Fills the file system until <paramref name="freeBytes"/> are left (tmpfs counts whole 4 KB pages).</summary>
    public string FillLeaving(long freeBytes)
    {
        string filler = Path.Combine(Folder, "filler");
        long available = new DriveInfo(Folder).AvailableFreeSpace;
        using (var stream = File.Create(filler)) stream.Write(new byte[Math.Max(0, available - freeBytes)]);
        return filler;
    }

    public void Dispose() => Must(Run("umount", Folder));

    private static void Must(string? error)
    {
        if (error is not null) throw new InvalidOperationException(error);
    }

    /// <summary>Null on success, else the command's error output.</summary>
    private static string? Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : $"{file} {string.Join(" ", args)}: {error.Trim()}";
    }
}
