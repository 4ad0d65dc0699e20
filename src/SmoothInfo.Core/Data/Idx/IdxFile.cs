using System.Buffers.Binary;
using System.IO.Compression;
using SmoothInfo.Diagnostics;

namespace SmoothInfo.Data.Idx;

/// <summary>
/// One IDX file (the MNIST family's format), gzip-compressed or plain: two zero bytes, an element type,
/// the number of dimensions, each dimension as a big-endian int32, then the records in C order.
/// </summary>
internal sealed class IdxFile : IDisposable
{
    private readonly Stream _stream;
    private readonly byte[] _record;

    /// <summary>Deflate compresses at most 1032:1, so a gzip file of n bytes holds at most 1032 n bytes of data.</summary>
    private const long MaxGzipRatio = 1032;

    private IdxFile(string path, Stream stream, byte type, int[] dimensions, long capacity)
    {
        Path = path;
        _stream = stream;
        Type = type;
        Dimensions = dimensions;
        RecordLength = DatasetBuilder.FeatureCountOf(RecordShape.Select(d => (long)d).ToArray(), path, ErrorCodes.IdxMalformed);
        // Checked before allocating anything the header sizes: a damaged header must not cost gigabytes to refuse.
        long recordBytes = (long)RecordLength * ElementSize;
        if (Count > 0 && (recordBytes > capacity || Count > capacity / recordBytes))
            throw Malformed(path, $"the header promises {Count} records of {recordBytes} bytes ({string.Join(" x ", Dimensions)}), " +
                $"but the file holds at most {capacity} bytes of records.", "the file is truncated or its header is damaged: copy or download it again.");
        _record = new byte[Count == 0 ? 0 : recordBytes]; // no records: the shape sizes nothing (the dataset is refused as empty)
    }

    public string Path { get; }
    public byte Type { get; }
    public int[] Dimensions { get; }
    public int Count => Dimensions[0];

    /// <summary>The shape of one record: the dimensions after the first (a label file's records are single numbers).</summary>
    public int[] RecordShape => Dimensions.Length == 1 ? new[] { 1 } : Dimensions[1..];
    public int RecordLength { get; }

    private int ElementSize => Type switch { 0x08 or 0x09 => 1, 0x0B => 2, 0x0C or 0x0D => 4, _ => 8 };

    public static IdxFile Open(string path)
    {
        var file = DataFiles.OpenRead(path);
        try
        {
            bool gzip = IsGzip(file);
            Stream stream = gzip ? new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 20) : file;
            Span<byte> magic = stackalloc byte[4];
            if (!TryRead(stream, magic, path) || magic[0] != 0 || magic[1] != 0)
                throw Malformed(path, "this is not an IDX file: it must start with two zero bytes, an element type and a dimension count.",
                    "point the policy at the -ubyte (or -ubyte.gz) file itself.");
            if (magic[2] is not (0x08 or 0x09 or 0x0B or 0x0C or 0x0D or 0x0E))
                throw Malformed(path, $"the element type 0x{magic[2]:X2} is not an IDX type (0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double).",
                    "re-export the file in IDX format.");
            if (magic[3] == 0)
                throw Malformed(path, "the header declares zero dimensions; at least one (the sample count) is expected.", "re-export the file in IDX format.");
            var dimensionBytes = new byte[4 * magic[3]];
            if (!TryRead(stream, dimensionBytes, path))
                throw Malformed(path, $"the file ends inside its header, which declares {magic[3]} dimensions.", "the file is incomplete: copy or download it again.");
            var dimensions = Enumerable.Range(0, magic[3]).Select(i => BinaryPrimitives.ReadInt32BigEndian(dimensionBytes.AsSpan(4 * i))).ToArray();
            if (dimensions.Any(d => d < 0))
                throw Malformed(path, $"the header declares a negative dimension ({string.Join(" x ", dimensions)}).", "re-export the file in IDX format.");
            long capacity = gzip ? file.Length * MaxGzipRatio : file.Length - 4 - dimensionBytes.Length;
            return new IdxFile(path, stream, magic[2], dimensions, capacity);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads record <paramref name="index"/> (records are read in order) as floats.</summary>
    public void ReadRecord(long index, Span<float> destination)
    {
        if (!TryRead(_stream, _record, Path))
            throw Malformed(Path, $"the file ends inside record {index}; its header promises {Count} records of {_record.Length} bytes ({string.Join(" x ", Dimensions)}).",
                "the file is truncated: copy or download it again.", index);
        int size = ElementSize;
        for (int i = 0; i < destination.Length; i++)
        {
            var bytes = _record.AsSpan(i * size, size);
            destination[i] = Type switch
            {
                0x08 => bytes[0],
                0x09 => (sbyte)bytes[0],
                0x0B => BinaryPrimitives.ReadInt16BigEndian(bytes),
                0x0C => BinaryPrimitives.ReadInt32BigEndian(bytes),
                0x0D => BinaryPrimitives.ReadSingleBigEndian(bytes),
                _ => (float)BinaryPrimitives.ReadDoubleBigEndian(bytes),
            };
        }
    }

    public void Dispose() => _stream.Dispose();

    private static bool IsGzip(FileStream file)
    {
        Span<byte> head = stackalloc byte[2];
        int read = file.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && head[0] == 0x1f && head[1] == 0x8b;
    }

    /// <summary>Fills the buffer; false when the data ends first. Corrupt gzip data is an input error too.</summary>
    private static bool TryRead(Stream stream, Span<byte> buffer, string path)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length;
        }
        catch (InvalidDataException e)
        {
            throw Malformed(path, $"the gzip data is corrupt ({e.Message}).", "the file is damaged: copy or download it again.");
        }
    }

    private static InputException Malformed(string path, string message, string fix, long index = -1) =>
        new(ErrorCodes.IdxMalformed, message, fix, index >= 0 ? SampleLocator.AtIndex(path, index).ToSourceLocation() : new SourceLocation(path));
}
