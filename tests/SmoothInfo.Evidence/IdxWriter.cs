using System.IO.Compression;

namespace SmoothInfo.Evidence;

/// <summary>Writes unsigned-byte IDX files, gzip-compressed (deterministic: .NET writes no timestamp).</summary>
public static class IdxWriter
{
    public static void Write(string path, IReadOnlyList<int> dimensions, ReadOnlySpan<byte> data)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
        gzip.Write(new byte[] { 0, 0, 0x08, (byte)dimensions.Count });
        foreach (int d in dimensions) gzip.Write(new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d });
        gzip.Write(data);
    }
}
