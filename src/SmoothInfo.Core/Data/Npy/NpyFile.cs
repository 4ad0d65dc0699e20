using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using SmoothInfo.Diagnostics;
using SmoothInfo.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Data.Npy;

/// <summary>
/// NumPy's .npy format (versions 1-3): little-endian float32 or float64, C order. Reads straight into
/// tensor memory in row blocks, so a kernel of several GB is never held twice.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };
    private const int BlockBytes = 64 << 20;

    public sealed record Header(string Descr, bool FortranOrder, long[] Shape, long DataOffset)
    {
        public ScalarType ScalarType => Descr switch
        {
            "<f8" => ScalarType.Float64,
            "<f4" => ScalarType.Float32,
            _ => throw new InvalidOperationException(Descr),
        };

        /// <summary>Bytes per element: the size digit of the dtype ('&lt;f8' 8, '|u1' 1).</summary>
        public int ElementSize => Descr[2] - '0';

        public bool IsInteger => Descr[1] is 'i' or 'u';
        public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
    }

    /// <summary>Reads an array as a CPU tensor of the file's own dtype.</summary>
    public static Tensor Read(string path)
    {
        using var stream = DataFiles.OpenRead(path);
        var header = ReadHeader(stream, path);
        var tensor = empty(header.Shape, header.ScalarType);
        var flat = tensor.view(-1);
        long elementsPerBlock = Math.Max(1, BlockBytes / header.ElementSize);
        for (long start = 0; start < header.ElementCount; start += elementsPerBlock)
        {
            long count = Math.Min(elementsPerBlock, header.ElementCount - start);
            using var block = flat.narrow(0, start, count);
            stream.ReadExactly(block.bytes);
        }
        return tensor;
    }

    /// <summary>Writes a float32 or float64 tensor (copied to CPU, C order), atomically.</summary>
    public static void Write(string path, Tensor tensor)
    {
        string descr = tensor.dtype switch
        {
            ScalarType.Float64 => "<f8",
            ScalarType.Float32 => "<f4",
            _ => throw new ArgumentException($"only float32 and float64 are written, not {tensor.dtype}"),
        };
        using var data = tensor.cpu().contiguous();
        AtomicFile.Write(path, stream =>
        {
            WriteHeader(stream, descr, data.shape);
            var flat = data.view(-1);
            long perBlock = Math.Max(1, BlockBytes / (descr == "<f8" ? 8 : 4));
            for (long start = 0; start < flat.shape[0]; start += perBlock)
            {
                using var block = flat.narrow(0, start, Math.Min(perBlock, flat.shape[0] - start));
                stream.Write(block.bytes);
            }
        });
    }

    /// <summary>A version 1.0 header for a C-order array of this dtype ('&lt;f4', '&lt;i8', ...) and shape; the data follows it.</summary>
    public static void WriteHeader(Stream stream, string descr, IReadOnlyList<long> shape)
    {
        string shapeText = shape.Count == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        int unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
        string headerText = dict + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        stream.Write(Magic);
        stream.Write(new byte[] { 1, 0, (byte)(headerText.Length & 0xff), (byte)(headerText.Length >> 8) });
        stream.Write(Encoding.ASCII.GetBytes(headerText));
    }

    /// <summary>Integer dtypes that <see cref="ReadHeader"/> accepts on request (class labels); <see cref="Read"/> takes floats only.</summary>
    public static readonly IReadOnlySet<string> IntegerDescrs = new HashSet<string> { "|u1", "|i1", "<u2", "<i2", "<u4", "<i4", "<u8", "<i8" };

    public static Header ReadHeader(Stream stream, string path, bool integersAllowed = false)
    {
        Span<byte> prefix = stackalloc byte[8];
        if (stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8 || !prefix[..6].SequenceEqual(Magic))
            throw Malformed(path, "this is not a NumPy .npy file (the magic string \\x93NUMPY is missing).",
                "save the array with numpy.save (not numpy.savez, pickle or text).");
        int major = prefix[6];
        long headerLength;
        if (major == 1)
        {
            Span<byte> len = stackalloc byte[2];
            if (stream.ReadAtLeast(len, 2, throwOnEndOfStream: false) < 2) throw TruncatedHeader(path);
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(len);
        }
        else if (major is 2 or 3)
        {
            Span<byte> len = stackalloc byte[4];
            if (stream.ReadAtLeast(len, 4, throwOnEndOfStream: false) < 4) throw TruncatedHeader(path);
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(len);
        }
        else
        {
            throw Malformed(path, $"unsupported .npy format version {major}.{prefix[7]}.", "save the array with numpy.save.");
        }
        // Checked against the file before allocating: a damaged length field must not cost gigabytes to refuse.
        if (headerLength > stream.Length - stream.Position) throw TruncatedHeader(path);
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        string text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);

        var descr = DescrPattern().Match(text);
        var fortran = FortranPattern().Match(text);
        var shape = ShapePattern().Match(text);
        if (!descr.Success || !fortran.Success || !shape.Success)
            throw Malformed(path, $"its header cannot be read: {text.Trim()}", "save the array with numpy.save.");
        if (descr.Groups[1].Value is not ("<f8" or "<f4") && !(integersAllowed && IntegerDescrs.Contains(descr.Groups[1].Value)))
            throw Malformed(path, $"its dtype is '{descr.Groups[1].Value}'; float64 ('<f8') or float32 ('<f4'){(integersAllowed ? " or a little-endian integer type" : "")} is needed.",
                "convert it first, e.g. numpy.save(path, a.astype(numpy.float64)).");
        if (fortran.Groups[1].Value == "True")
            throw Malformed(path, "it is stored in Fortran order; C order is needed.",
                "save numpy.ascontiguousarray(a) instead.");
        var dimTexts = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var dims = new long[dimTexts.Length];
        for (int i = 0; i < dims.Length; i++)
            if (!long.TryParse(dimTexts[i], System.Globalization.CultureInfo.InvariantCulture, out dims[i]) || dims[i] < 0)
                throw Malformed(path, $"its header declares the shape ({shape.Groups[1].Value}); whole numbers are expected.", "save the array with numpy.save.");
        var header = new Header(descr.Groups[1].Value, false, dims, stream.Position);
        long dataBytes = DataBytes(header, path);
        if (stream.Length - header.DataOffset < dataBytes)
            throw Malformed(path, $"the file is truncated: its header promises shape ({string.Join(", ", header.Shape)}) " +
                $"of {header.Descr}, {header.DataOffset + dataBytes} bytes in all, but it has {stream.Length}.", "re-export the array with numpy.save.");
        return header;
    }

    /// <summary>The bytes of the array's data; a shape whose size does not fit in 64 bits is a damaged header.</summary>
    private static long DataBytes(Header header, string path)
    {
        try
        {
            return checked(header.Shape.Aggregate(1L, (a, b) => a * b) * header.ElementSize);
        }
        catch (OverflowException)
        {
            throw Malformed(path, $"its header declares the shape ({string.Join(", ", header.Shape)}), larger than any file.", "save the array with numpy.save.");
        }
    }

    private static InputException TruncatedHeader(string path) =>
        Malformed(path, "the file is truncated inside its header.", "re-export the array with numpy.save.");

    private static InputException Malformed(string path, string message, string fix) =>
        new(ErrorCodes.NpyMalformed, message, fix, new SourceLocation(path));

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
