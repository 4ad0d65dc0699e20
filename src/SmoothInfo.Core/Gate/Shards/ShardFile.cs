using System.Text.Json;
using SmoothInfo.Diagnostics;
using SmoothInfo.IO;
using static TorchSharp.torch;

namespace SmoothInfo.Gate.Shards;

/// <summary>
/// One file a stage of a sharded run writes and the next reads: JSON (written atomically) with the format version, the
/// stage, the run's identity (<see cref="EstimatorCache.Key"/>: policy sections, every sample's hash and label, the tool
/// build), the shard it covers, and named arrays: float64 as base64 of little-endian IEEE doubles (exact), int64 as
/// numbers. A file of another version, stage, identity or shard count is refused, never mixed in.
/// </summary>
public sealed class ShardFile
{
    public const string Format = "smoothinfo-shard";
    public const int Version = 1;

    private readonly Dictionary<string, (long[] Shape, double[] Values)> _arrays = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long[]> _integers = new(StringComparer.Ordinal);

    public ShardFile(string stage, string identity, ShardRange shard)
    {
        Stage = stage;
        Identity = identity;
        Shard = shard;
    }

    public string Stage { get; }

    public string Identity { get; }

    /// <summary>The shard it covers; the merged files (covering all shards) carry index 0.</summary>
    public ShardRange Shard { get; }

    public ShardFile With(string name, Tensor values)
    {
        using var host = values.detach().cpu().to(float64).contiguous();
        _arrays[name] = (host.shape, host.data<double>().ToArray());
        return this;
    }

    public ShardFile With(string name, double[] values)
    {
        _arrays[name] = (new long[] { values.Length }, values);
        return this;
    }

    public ShardFile WithIntegers(string name, IEnumerable<long> values)
    {
        _integers[name] = values.ToArray();
        return this;
    }

    public bool Has(string name) => _arrays.ContainsKey(name);

    /// <summary>A stored array as a tensor of the solve's precision (float32 values round-trip exactly through float64).</summary>
    public Tensor Tensor(string name, ScalarType dtype) => tensor(Doubles(name), _arrays[name].Shape, float64).to(dtype);

    public double[] Doubles(string name) => _arrays.TryGetValue(name, out var array) ? array.Values : throw Damaged($"it has no array '{name}'");

    public long[] Integers(string name) => _integers.TryGetValue(name, out var values) ? values : throw Damaged($"it has no list '{name}'");

    private string Path { get; init; } = "";

    public void Write(string path) => JsonFile.Write(path, json =>
    {
        json.WriteStartObject();
        json.WriteString("format", Format);
        json.WriteNumber("version", Version);
        json.WriteString("stage", Stage);
        json.WriteString("identity", Identity);
        json.WriteNumber("shard", Shard.Index);
        json.WriteNumber("shards", Shard.Count);
        json.WriteStartObject("float64");
        foreach (var (name, (shape, values)) in _arrays)
        {
            json.WriteStartObject(name);
            json.WriteStartArray("shape");
            foreach (long size in shape) json.WriteNumberValue(size);
            json.WriteEndArray();
            json.WriteBase64String("littleEndian", System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            json.WriteEndObject();
            json.FlushWhenFull();
        }
        json.WriteEndObject();
        json.WriteStartObject("int64");
        foreach (var (name, values) in _integers)
        {
            json.WriteStartArray(name);
            foreach (long value in values) json.WriteNumberValue(value);
            json.WriteEndArray();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    });

    /// <summary>The file a stage needs, checked against what this run expects of it.</summary>
    /// <param name="writtenBy">The command that writes it, named in the error when it is missing.</param>
    public static ShardFile Read(string path, string stage, string identity, ShardRange shard, string writtenBy)
    {
        if (!File.Exists(path))
            throw new InputException(ErrorCodes.ShardFileMissing, $"{stage} file '{path}' does not exist.",
                $"run '{writtenBy}' first (in CI: download its artifact into this folder).");
        ShardFile file;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.GetProperty("format").GetString() != Format || root.GetProperty("version").GetInt32() != Version)
                throw new InputException(ErrorCodes.ShardFileMismatch, $"'{path}' is not a {Format} file of version {Version}.",
                    $"write it again with this build of smoothinfo ('{writtenBy}').");
            file = new ShardFile(root.GetProperty("stage").GetString()!, root.GetProperty("identity").GetString()!,
                new ShardRange(root.GetProperty("shard").GetInt32(), root.GetProperty("shards").GetInt32())) { Path = path };
            foreach (var array in root.GetProperty("float64").EnumerateObject())
            {
                var shape = array.Value.GetProperty("shape").EnumerateArray().Select(size => size.GetInt64()).ToArray();
                var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(array.Value.GetProperty("littleEndian").GetBytesFromBase64()).ToArray();
                if (values.Length != shape.Aggregate(1L, (a, b) => a * b)) throw new FormatException($"array '{array.Name}' does not fill its shape");
                file._arrays[array.Name] = (shape, values);
            }
            foreach (var list in root.GetProperty("int64").EnumerateObject())
                file._integers[list.Name] = list.Value.EnumerateArray().Select(value => value.GetInt64()).ToArray();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new InputException(ErrorCodes.ShardFileMismatch, $"'{path}' is damaged: {e.Message}", $"write it again ('{writtenBy}').");
        }
        if (file.Stage != stage)
            throw new InputException(ErrorCodes.ShardFileMismatch, $"'{path}' holds the '{file.Stage}' stage, not '{stage}'.", $"write it again ('{writtenBy}').");
        if (file.Shard != shard)
            throw new InputException(ErrorCodes.ShardFileMismatch,
                $"'{path}' covers shard {file.Shard} but this run expects shard {shard}: the shard files come from runs with different shard counts.",
                "use one shard count (--shard I/N with the same N) for every stage, in a fresh folder.");
        if (file.Identity != identity)
            throw new InputException(ErrorCodes.ShardFileMismatch,
                $"'{path}' was written for another policy, dataset or build of smoothinfo than this run's (its identity differs).",
                $"run every stage with the same policy, data and tool; write it again ('{writtenBy}') in a fresh folder.");
        return file;
    }

    private InputException Damaged(string what) =>
        new(ErrorCodes.ShardFileMismatch, $"'{Path}' is damaged: {what}.", "write it again with this build of smoothinfo.");
}
