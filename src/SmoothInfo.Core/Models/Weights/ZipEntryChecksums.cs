using System.Buffers;
using System.IO.Compression;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace SmoothInfo.Models.Weights;

/// <summary>
/// Each entry's data checked against the CRC-32 its central directory records. libtorch reads archives with miniz built
/// without its CRC checks (MINIZ_DISABLE_ZIP_READER_CRC32_CHECKS), and .NET's ZipArchive checks none either, so a
/// damaged entry would reach libtorch's compiler or unpickler, or load as silently different weights (TorchScript and
/// state_dict files alike); data that fails its checksum is damaged whatever reads it.
/// </summary>
internal static class ZipEntryChecksums
{
    private const int Stored = 0, Deflated = 8;
    private const int Chunk = 1 << 20;

    /// <summary>
    /// The first entry whose data is not wholly in the file or fails its CRC-32, and what is wrong with it; null when
    /// none. An entry this cannot decode (another compression, or a deflate stream that does not yield its recorded
    /// size) is not judged: miniz may read it otherwise; nor is one whose recorded CRC-32 is 0 (written without).
    /// </summary>
    public static (ZipEntryData Entry, string Problem)? FirstDamaged(SafeFileHandle file, IEnumerable<ZipEntryData> entries)
    {
        long length = RandomAccess.GetLength(file);
        foreach (var entry in entries)
        {
            if (entry.CompressedSize > length - entry.DataOffset)
                return (entry, $"its {entry.CompressedSize} bytes of data at offset {entry.DataOffset} run past the end of the file " +
                    $"({length} bytes): the file is truncated or its directory is damaged");
            // torch.save with torch.serialization.set_crc32_options(False) records 0 for every entry: no checksum to hold it to.
            if (entry.Crc32 == 0 && entry.Size > 0) continue;
            if (Checksum(file, entry) is { } crc && crc != entry.Crc32)
                return (entry, $"its data fails its CRC-32 checksum (recorded {entry.Crc32:x8}, computed {crc:x8}): the file was damaged after it was written");
        }
        return null;
    }

    /// <summary>The entry's data as stored or inflated; null when this cannot decode it. Only for entries <see cref="FirstDamaged"/> passed.</summary>
    public static byte[]? Data(SafeFileHandle file, ZipEntryData entry)
    {
        var data = new MemoryStream();
        return Decode(file, entry, chunk => data.Write(chunk)) ? data.ToArray() : null;
    }

    private static uint? Checksum(SafeFileHandle file, ZipEntryData entry)
    {
        var crc = new Crc32();
        return Decode(file, entry, crc.Append) ? crc.GetCurrentHashAsUInt32() : null;
    }

    private delegate void ChunkSink(ReadOnlySpan<byte> chunk);

    /// <summary>
    /// Hands the entry's decoded data to <paramref name="sink"/> in chunks; false when it cannot be decoded to exactly its
    /// recorded size (then nothing said about it holds). Never holds more than a chunk of stored data.
    /// </summary>
    private static bool Decode(SafeFileHandle file, ZipEntryData entry, ChunkSink sink)
    {
        // One pooled buffer: a fresh one per entry would be a large-object allocation each, and the collections they cause.
        var buffer = ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            return entry.Method switch
            {
                Stored when entry.CompressedSize == entry.Size => Copy(file, entry, buffer, sink),
                Deflated when entry.CompressedSize <= int.MaxValue => Inflate(file, entry, buffer, sink),
                _ => false,
            };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool Copy(SafeFileHandle file, ZipEntryData entry, byte[] buffer, ChunkSink sink)
    {
        for (long done = 0; done < entry.Size;)
        {
            int read = RandomAccess.Read(file, buffer.AsSpan(0, (int)Math.Min(buffer.Length, entry.Size - done)), entry.DataOffset + done);
            if (read == 0) return false;
            sink(buffer.AsSpan(0, read));
            done += read;
        }
        return true;
    }

    private static bool Inflate(SafeFileHandle file, ZipEntryData entry, byte[] buffer, ChunkSink sink)
    {
        var compressed = new byte[(int)entry.CompressedSize];
        if (RandomAccess.Read(file, compressed, entry.DataOffset) != compressed.Length) return false;
        using var inflater = new DeflateStream(new MemoryStream(compressed), CompressionMode.Decompress);
        long produced = 0;
        try
        {
            for (int read; (read = inflater.Read(buffer)) > 0;)
            {
                produced += read;
                if (produced > entry.Size) return false;
                sink(buffer.AsSpan(0, read));
            }
        }
        catch (InvalidDataException)
        {
            return false; // .NET's inflater refuses the stream; miniz's is another implementation
        }
        return produced == entry.Size;
    }
}
