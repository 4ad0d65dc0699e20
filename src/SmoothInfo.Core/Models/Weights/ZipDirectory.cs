using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace SmoothInfo.Models.Weights;

/// <summary>One entry of a zip archive: what its central directory records, and where its local header puts the data.</summary>
internal sealed record ZipEntryData(string Name, int Method, uint Crc32, long CompressedSize, long Size, long DataOffset);

/// <summary>
/// What reading a torch archive's zip directory found (TorchScript and state_dict files): its <see cref="Entries"/>; or the <see cref="Refusal"/> of
/// libtorch's own zip reader, which refuses to open the file for that reason; or neither (null, null): a structure
/// libtorch may open that this does not follow, so libtorch decides.
/// </summary>
/// <remarks>
/// The refusals are those of PyTorch's vendored miniz 3.0.2 (third_party/miniz-3.0.2/miniz.c: mz_zip_reader_init,
/// mz_zip_reader_read_central_dir, mz_zip_reader_locate_header_sig) and of PyTorchStreamReader::init
/// (caffe2/serialize/inline_container.cc: no entries, a first entry outside a folder), checked in the same order with
/// the same unsigned arithmetic. <c>ZipDirectoryTests</c> compares them with libtorch's own answer.
/// </remarks>
internal sealed record ZipDirectory(IReadOnlyList<ZipEntryData>? Entries, string? Refusal)
{
    private const uint EndSignature = 0x06054b50, Zip64LocatorSignature = 0x07064b50, Zip64EndSignature = 0x06064b50;
    private const uint CentralSignature = 0x02014b50, LocalSignature = 0x04034b50;
    private const int EndSize = 22, Zip64LocatorSize = 20, Zip64EndSize = 56, CentralSize = 46, LocalSize = 30;
    private const ulong Saturated = uint.MaxValue;
    private const int MaskedLocalHeaders = 0x2000, Encrypted = 1;

    private static readonly ZipDirectory NotFollowed = new(null, null);

    public static ZipDirectory Read(SafeFileHandle file)
    {
        long length = RandomAccess.GetLength(file);
        if (length < EndSize || FindEnd(file, length) is not { } end)
            return Refused("it has no end-of-central-directory record: it is not a zip archive, or it was cut short");
        var record = Bytes(file, end, EndSize);
        ulong total = Le16(record, 10), onThisDisk = Le16(record, 8), disk = Le16(record, 4), directoryDisk = Le16(record, 6);
        ulong size = Le32(record, 12), offset = Le32(record, 16);
        if (end >= Zip64LocatorSize + Zip64EndSize && Bytes(file, end - Zip64LocatorSize, Zip64LocatorSize) is var locator
            && Le32(locator, 0) == Zip64LocatorSignature)
        {
            ulong at = Le64(locator, 8);
            if (at > (ulong)(length - Zip64EndSize)) return Refused("its zip64 end-of-central-directory locator points past the end of the file");
            var zip64 = Bytes(file, (long)at, Zip64EndSize);
            if (Le32(zip64, 0) == Zip64EndSignature)
            {
                if (Le64(zip64, 4) < Zip64EndSize - 12) return Refused("its zip64 end-of-central-directory record is too short");
                if (Le32(locator, 16) != 1) return Refused("its zip64 locator counts several disks");
                (total, onThisDisk, size) = (Le64(zip64, 32), Le64(zip64, 24), Le64(zip64, 40));
                if (total > uint.MaxValue || onThisDisk > uint.MaxValue) return Refused($"its zip64 end record counts {total} entries");
                if (size > uint.MaxValue) return Refused($"its zip64 end record claims a central directory of {size} bytes");
                (disk, directoryDisk, offset) = (Le32(zip64, 16), Le32(zip64, 20), Le64(zip64, 48));
            }
        }
        if (total != onThisDisk || ((disk | directoryDisk) != 0 && (disk != 1 || directoryDisk != 1)))
            return Refused("its end record spreads it over several disks");
        if (size < total * CentralSize) return Refused($"its end record counts {total} entries, more than its {size}-byte central directory holds");
        // Past the file, or wrapping around 2^64 to a position miniz then fails to read.
        if (unchecked(offset + size) > (ulong)length || offset > (ulong)length)
            return Refused($"its central directory ({size} bytes at offset {offset}) runs past the end of the file ({length} bytes)");
        if (size > int.MaxValue) return NotFollowed;
        return Records(file, Bytes(file, (long)offset, (int)size), (int)total, disk, length);
    }

    private static ZipDirectory Records(SafeFileHandle file, byte[] directory, int total, ulong disk, long length)
    {
        var entries = new List<ZipEntryData>(total);
        bool followed = true;
        int at = 0;
        for (int i = 0; i < total; i++)
        {
            if (directory.Length - at < CentralSize || Le32(directory, at) != CentralSignature)
                return Refused($"its central directory's record {i} is not where the records before it end");
            ulong compressed = Le32(directory, at + 20), size = Le32(directory, at + 24), header = Le32(directory, at + 42);
            int nameLength = (int)Le16(directory, at + 28), extraLength = (int)Le16(directory, at + 30), commentLength = (int)Le16(directory, at + 32);
            string name = Encoding.UTF8.GetString(directory, at + CentralSize, Math.Min(nameLength, directory.Length - at - CentralSize));
            if (extraLength != 0 && Math.Max(Math.Max(compressed, size), header) == Saturated)
            {
                // An extra field past the directory's end: miniz then reads it from elsewhere, but the record's length
                // check below refuses it whatever it read.
                if (CentralSize + nameLength + extraLength > directory.Length - at)
                    return Refused($"its central directory's record {i} ('{name}') runs past the directory's recorded size");
                if (!Zip64Sizes(directory.AsSpan(at + CentralSize + nameLength, extraLength), ref size, ref compressed, ref header))
                    return Refused($"its entry '{name}' has an extra field whose lengths do not add up");
            }
            // miniz reads the method as 32 bits (with the time after it): "stored" is method and time both 0.
            if (compressed != Saturated && size != Saturated && ((Le32(directory, at + 10) == 0 && size != compressed) || (size != 0 && compressed == 0)))
                return Refused($"its entry '{name}' records {compressed} bytes of data for {size} bytes{(compressed == 0 ? "" : " stored uncompressed")}");
            ulong entryDisk = Le16(directory, at + 34);
            if (entryDisk == ushort.MaxValue || (entryDisk != disk && entryDisk != 1)) return Refused($"its entry '{name}' lies on another disk");
            if (compressed != Saturated && unchecked(header + LocalSize + compressed) > (ulong)length)
                return Refused($"its entry '{name}' ({compressed} bytes after its header at offset {header}) runs past the end of the file ({length} bytes)");
            int flags = (int)Le16(directory, at + 8);
            if ((flags & MaskedLocalHeaders) != 0) return Refused($"its entry '{name}' has masked local headers (an encrypted directory)");
            int next = at + CentralSize + nameLength + extraLength + commentLength;
            if (next > directory.Length) return Refused($"its central directory's record {i} ('{name}') runs past the directory's recorded size");

            // Past what miniz checks when opening: where the local header puts the data (miniz reads it only to extract).
            bool plausible = compressed != Saturated && size != Saturated && compressed <= (ulong)length && size <= long.MaxValue && header <= (ulong)length;
            if (followed && plausible && (flags & Encrypted) == 0 && Local(file, (long)header, length) is { } dataOffset)
                entries.Add(new ZipEntryData(name, (int)Le16(directory, at + 10), (uint)Le32(directory, at + 16), (long)compressed, (long)size, dataOffset));
            else followed = false;
            at = next;
        }
        if (total == 0) return Refused("it holds no entries");
        var firstName = directory.AsSpan(CentralSize, (int)Le16(directory, 28));
        if (!firstName.Contains((byte)'/'))
            return Refused($"its first entry '{Encoding.UTF8.GetString(firstName)}' is not inside a folder, as torch.jit.save writes every entry");
        return followed ? new ZipDirectory(entries, null) : NotFollowed;
    }

    /// <summary>
    /// miniz's reading of the zip64 extended information field (id 1): the fields walked until it is found (false when
    /// their lengths overrun the extra data), then, in this order, each saturated value read as 64 bits while 8 bytes
    /// remain in the extra data (not only in the field).
    /// </summary>
    private static bool Zip64Sizes(ReadOnlySpan<byte> extra, ref ulong size, ref ulong compressed, ref ulong header)
    {
        const int Zip64ExtendedInformation = 1;
        do
        {
            if (extra.Length < 4) return false;
            int id = BinaryPrimitives.ReadUInt16LittleEndian(extra), fieldLength = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (fieldLength + 4 > extra.Length) return false;
            if (id == Zip64ExtendedInformation) break;
            extra = extra[(4 + fieldLength)..];
        }
        while (extra.Length != 0);
        if (extra.Length < 4) return true; // not there: the values stay saturated
        extra = extra[4..];
        Take(ref extra, ref size);
        Take(ref extra, ref compressed);
        Take(ref extra, ref header);
        return true;
    }

    private static void Take(ref ReadOnlySpan<byte> extra, ref ulong value)
    {
        if (value != Saturated || extra.Length < 8) return;
        value = BinaryPrimitives.ReadUInt64LittleEndian(extra);
        extra = extra[8..];
    }

    /// <summary>Where an entry's data starts, after its local header, name and extra field; null when no local header is there.</summary>
    private static long? Local(SafeFileHandle file, long header, long length)
    {
        if (header > length - LocalSize) return null;
        var local = Bytes(file, header, LocalSize);
        return Le32(local, 0) == LocalSignature ? header + LocalSize + (long)Le16(local, 26) + (long)Le16(local, 28) : null;
    }

    /// <summary>
    /// miniz's search: 4 KB blocks from the end, each scanned backwards for the last signature with a whole record after
    /// it, giving up at the file's start or once 65,557 bytes from the end (the longest comment) are behind.
    /// </summary>
    private static long? FindEnd(SafeFileHandle file, long length)
    {
        const int Block = 4096;
        long start = Math.Max(length - Block, 0);
        while (true)
        {
            var block = Bytes(file, start, (int)Math.Min(Block, length - start));
            for (int at = block.Length - 4; at >= 0; at--)
            {
                if (Le32(block, at) == EndSignature && length - (start + at) >= EndSize) return start + at;
            }
            if (start == 0 || length - start >= ushort.MaxValue + EndSize) return null;
            start = Math.Max(start - (Block - 3), 0);
        }
    }

    private static ZipDirectory Refused(string reason) => new(null, reason);

    private static byte[] Bytes(SafeFileHandle file, long offset, int count)
    {
        var bytes = new byte[count];
        RandomAccess.Read(file, bytes, offset);
        return bytes;
    }

    private static ulong Le16(byte[] bytes, int at) => BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at));

    private static ulong Le32(byte[] bytes, int at) => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));

    private static ulong Le64(byte[] bytes, int at) => BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
}
