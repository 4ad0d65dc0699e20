using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace SmoothInfo.Models.Weights;

/// <summary>One entry of a zip archive: what its central directory records, and where its local header puts the data.</summary>
internal sealed record ZipEntryData(string Name, int Method, uint Crc32, long CompressedSize, long Size, long DataOffset);

/// <summary>
/// The entries of a zip archive as its end-of-central-directory record (zip64 when the locator is there, as miniz reads
/// it), its central directory and its local headers place them. The data is not read here (<see cref="ZipEntryChecksums"/>).
/// Null when the structure is not one this follows (no end record, a wrong signature, a record running past its
/// directory, several disks, encryption): then the archive is not judged here, another reader decides.
/// </summary>
internal static class ZipDirectory
{
    private const uint EndSignature = 0x06054b50, Zip64LocatorSignature = 0x07064b50, Zip64EndSignature = 0x06064b50;
    private const uint CentralSignature = 0x02014b50, LocalSignature = 0x04034b50;
    private const int EndSize = 22, Zip64LocatorSize = 20, Zip64EndSize = 56, CentralSize = 46, LocalSize = 30;
    private const ushort Zip64ExtraId = 0x0001;

    public static IReadOnlyList<ZipEntryData>? TryRead(SafeFileHandle file)
    {
        long length = RandomAccess.GetLength(file);
        if (FindEnd(file, length) is not { } end) return null;
        var record = Read(file, end, EndSize);
        if (Le16(record, 4) != 0 || Le16(record, 6) != 0) return null; // split over several disks
        long count = Le16(record, 10), size = Le32(record, 12), offset = Le32(record, 16);
        if (end >= Zip64LocatorSize && Le32(Read(file, end - Zip64LocatorSize, Zip64LocatorSize), 0) == Zip64LocatorSignature)
        {
            long zip64End = Le64(Read(file, end - Zip64LocatorSize, Zip64LocatorSize), 8);
            if (zip64End < 0 || zip64End > end - Zip64LocatorSize - Zip64EndSize) return null;
            var zip64 = Read(file, zip64End, Zip64EndSize);
            if (Le32(zip64, 0) != Zip64EndSignature) return null;
            (count, size, offset) = (Le64(zip64, 32), Le64(zip64, 40), Le64(zip64, 48));
        }
        if (count < 0 || size < 0 || size > int.MaxValue || offset < 0 || offset > length - size || count > size / CentralSize) return null;
        return Entries(file, Read(file, offset, (int)size), (int)count, length);
    }

    private static List<ZipEntryData>? Entries(SafeFileHandle file, byte[] directory, int count, long length)
    {
        var entries = new List<ZipEntryData>(count);
        int at = 0;
        for (int i = 0; i < count; i++)
        {
            if (at > directory.Length - CentralSize || Le32(directory, at) != CentralSignature) return null;
            int flags = Le16(directory, at + 8), method = Le16(directory, at + 10);
            uint crc = (uint)Le32(directory, at + 16);
            long compressed = Le32(directory, at + 20), size = Le32(directory, at + 24), header = Le32(directory, at + 42);
            int nameLength = Le16(directory, at + 28), extraLength = Le16(directory, at + 30), commentLength = Le16(directory, at + 32);
            int next = at + CentralSize + nameLength + extraLength + commentLength;
            if (next > directory.Length || (flags & 1) != 0) return null; // past the directory, or encrypted
            var extra = directory.AsSpan(at + CentralSize + nameLength, extraLength);
            if (!ApplyZip64(extra, ref size, ref compressed, ref header)) return null;
            if (header < 0 || header > length - LocalSize) return null;
            var local = Read(file, header, LocalSize);
            if (Le32(local, 0) != LocalSignature) return null;
            string name = Encoding.UTF8.GetString(directory, at + CentralSize, nameLength);
            entries.Add(new ZipEntryData(name, method, crc, compressed, size, header + LocalSize + Le16(local, 26) + Le16(local, 28)));
            at = next;
        }
        return entries;
    }

    /// <summary>
    /// The zip64 extra field holds, in this order, the values whose 32-bit fields are saturated. False when one is
    /// saturated and the field lacks it.
    /// </summary>
    private static bool ApplyZip64(ReadOnlySpan<byte> extra, ref long size, ref long compressed, ref long header)
    {
        if (size != uint.MaxValue && compressed != uint.MaxValue && header != uint.MaxValue) return true;
        while (extra.Length >= 4)
        {
            int id = BinaryPrimitives.ReadUInt16LittleEndian(extra), fieldLength = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (fieldLength > extra.Length - 4) return false;
            var field = extra.Slice(4, fieldLength);
            if (id == Zip64ExtraId)
            {
                return Take(ref field, ref size) && Take(ref field, ref compressed) && Take(ref field, ref header);
            }
            extra = extra[(4 + fieldLength)..];
        }
        return false;
    }

    private static bool Take(ref ReadOnlySpan<byte> field, ref long value)
    {
        if (value != uint.MaxValue) return true;
        if (field.Length < 8) return false;
        value = BinaryPrimitives.ReadInt64LittleEndian(field);
        field = field[8..];
        return value >= 0;
    }

    /// <summary>The last end-of-central-directory signature with room for its record, within the longest comment's reach.</summary>
    private static long? FindEnd(SafeFileHandle file, long length)
    {
        if (length < EndSize) return null;
        long start = Math.Max(0, length - EndSize - ushort.MaxValue);
        var tail = Read(file, start, (int)(length - start));
        for (int at = tail.Length - EndSize; at >= 0; at--)
        {
            if (Le32(tail, at) == EndSignature) return start + at;
        }
        return null;
    }

    private static byte[] Read(SafeFileHandle file, long offset, int count)
    {
        var bytes = new byte[count];
        RandomAccess.Read(file, bytes, offset);
        return bytes;
    }

    private static int Le16(byte[] bytes, int at) => BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at));

    private static long Le32(byte[] bytes, int at) => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));

    private static long Le64(byte[] bytes, int at) => BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at));
}
