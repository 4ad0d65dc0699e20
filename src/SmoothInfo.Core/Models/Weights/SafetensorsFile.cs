using System.Buffers.Binary;
using System.Text.Json;
using SmoothInfo.Diagnostics;
using SmoothInfo.IO;
using static TorchSharp.torch;

namespace SmoothInfo.Models.Weights;

/// <summary>
/// Reads the safetensors format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of JSON
/// mapping each tensor name to {dtype, shape, data_offsets [begin, end)} relative to the end of the header, then the raw
/// little-endian row-major tensor data. Reading it runs no code, unlike a pickled PyTorch file, which matters when a
/// pull request can change the weights file. Every offset and size is checked against the file before reading.
/// <see cref="Write"/> is how the TorchScript loader's child process hands its tensors back.
/// </summary>
public static class SafetensorsFile
{
    private const long MaxHeaderBytes = 100L << 20;

    private static readonly Dictionary<string, (ScalarType Type, int Size)> DTypes = new(StringComparer.Ordinal)
    {
        ["F64"] = (ScalarType.Float64, 8),
        ["F32"] = (ScalarType.Float32, 4),
        ["F16"] = (ScalarType.Float16, 2),
        ["BF16"] = (ScalarType.BFloat16, 2),
        ["I64"] = (ScalarType.Int64, 8),
    };

    /// <summary>All tensors of the file as CPU tensors of the file's dtypes, by name.</summary>
    public static IReadOnlyDictionary<string, Tensor> Read(string path)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors data is little-endian; this reader copies it as is.");
        using var stream = File.OpenRead(path);
        Span<byte> lengthBytes = stackalloc byte[8];
        if (stream.Length < 8) throw Malformed(path, $"the file has {stream.Length} bytes, fewer than the 8-byte header length.");
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)Math.Min(MaxHeaderBytes, stream.Length - 8))
            throw Malformed(path, $"the header claims {headerLength} bytes, but the file has {stream.Length - 8} after the length " +
                $"(and headers are limited to {MaxHeaderBytes >> 20} MB).");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataStart = 8 + (long)headerLength;
        long dataLength = stream.Length - dataStart;

        var entries = ParseHeader(path, header, dataLength);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, entry) in entries.OrderBy(e => e.Value.Begin))
            {
                var tensor = empty(entry.Shape, entry.Type);
                stream.Position = dataStart + entry.Begin;
                if (entry.End > entry.Begin) stream.ReadExactly(tensor.bytes);
                tensors.Add(name, tensor);
            }
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return tensors;
    }

    /// <summary>Writes the tensors (any of the dtypes <see cref="Read"/> reads), by name in ordinal order, atomically.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var ordered = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => (t.Key, Tensor: t.Value.cpu().contiguous())).ToList();
        var header = new Dictionary<string, object>(StringComparer.Ordinal);
        long offset = 0;
        foreach (var (name, tensor) in ordered)
        {
            string dtype = DTypes.FirstOrDefault(d => d.Value.Type == tensor.dtype).Key
                ?? throw new InvalidOperationException($"tensor '{name}' has dtype {tensor.dtype}, which safetensors files here do not hold.");
            long bytes = tensor.NumberOfElements * tensor.ElementSize;
            header[name] = new { dtype, shape = tensor.shape, data_offsets = new[] { offset, offset + bytes } };
            offset += bytes;
        }
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)json.Length);
            stream.Write(length);
            stream.Write(json);
            foreach (var (_, tensor) in ordered) stream.Write(tensor.bytes);
        });
    }

    private sealed record Entry(ScalarType Type, long[] Shape, long Begin, long End);

    private static Dictionary<string, Entry> ParseHeader(string path, byte[] header, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw Malformed(path, $"the header is not valid JSON: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw Malformed(path, "the header is not a JSON object.");
            var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                string name = Name(path, property);
                if (name == "__metadata__") continue;
                if (!entries.TryAdd(name, ParseEntry(path, name, property.Value, dataLength)))
                    throw Malformed(path, $"tensor '{name}' appears twice in the header.");
            }
            var ordered = entries.OrderBy(e => e.Value.Begin).ToList();
            for (int i = 1; i < ordered.Count; i++)
                if (ordered[i].Value.Begin < ordered[i - 1].Value.End)
                    throw Malformed(path, $"the data of '{ordered[i - 1].Key}' and '{ordered[i].Key}' overlap.");
            return entries;
        }
    }

    /// <summary>JsonDocument checks a name's UTF-8 only when it is decoded: a name that is not text is a malformed header.</summary>
    private static string Name(string path, JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException e)
        {
            throw Malformed(path, $"a tensor name in the header is not valid UTF-8 ({e.Message}).");
        }
    }

    private static Entry ParseEntry(string path, string name, JsonElement value, long dataLength)
    {
        try
        {
            string dtype = value.GetProperty("dtype").GetString() ?? "";
            if (!DTypes.TryGetValue(dtype, out var type))
                throw Malformed(path, $"tensor '{name}' has dtype '{dtype}'; supported: {string.Join(", ", DTypes.Keys)}.");
            var shape = value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var offsets = value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (shape.Any(d => d < 0) || offsets.Length != 2)
                throw Malformed(path, $"tensor '{name}' has a negative dimension or data_offsets that are not [begin, end].");
            long count = shape.Aggregate(1L, (a, b) => checked(a * b));
            long begin = offsets[0], end = offsets[1];
            if (begin < 0 || end < begin || end > dataLength)
                throw Malformed(path, $"tensor '{name}' has data_offsets [{begin}, {end}) outside the {dataLength} data bytes (is the file truncated?).");
            if (end - begin != checked(count * type.Size))
                throw Malformed(path, $"tensor '{name}' of shape ({string.Join(", ", shape)}) and dtype {dtype} needs {count * type.Size} bytes, " +
                    $"but its data_offsets span {end - begin}.");
            return new Entry(type.Type, shape, begin, end);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw Malformed(path, $"tensor '{name}' lacks a valid dtype, shape or data_offsets ({e.Message}).");
        }
    }

    private static InputException Malformed(string path, string message) =>
        new(ErrorCodes.WeightsMalformed, $"malformed safetensors file: {message}",
            "re-export the weights with safetensors.torch.save_file(model.state_dict(), path).", new SourceLocation(path));
}
