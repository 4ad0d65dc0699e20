using System.Text;
using SmoothInfo.IO;

namespace SmoothInfo.Gate;

/// <summary>
/// A backbone's features saved beside the estimator cache (smoothinfo-embeddings-&lt;backbone&gt;.bin), keyed by sample
/// content hash, so a rebuild after adding 50 images embeds those 50 only. It holds the current dataset's samples only (a
/// removed sample's features go with it) and the backbone's identity (model files, runtime, input recipe, pixel scale):
/// features of another identity are not reused. Binary: 512 floats per sample as text would be four times the size.
/// A missing, damaged or foreign file is an empty cache; it is rewritten atomically.
/// </summary>
public static class EmbeddingCache
{
    private static readonly byte[] Magic = "smoothinfo embeddings 1\n"u8.ToArray();
    private const int HashBytes = 32;

    public static string FileName(string backbone) => $"smoothinfo-embeddings-{backbone}.bin";

    /// <summary>The cached features by content hash; empty when the file is missing, damaged or of another identity.</summary>
    public static Dictionary<string, float[]> Load(string path, string identity, int dimension)
    {
        var entries = new Dictionary<string, float[]>(StringComparer.Ordinal);
        if (!File.Exists(path)) return entries;
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic) || reader.ReadString() != identity || reader.ReadInt32() != dimension)
                return entries;
            int count = reader.ReadInt32();
            if (count < 0 || (long)count * (HashBytes + 4L * dimension) > reader.BaseStream.Length) return new();
            for (int i = 0; i < count; i++)
            {
                string hash = Convert.ToHexStringLower(reader.ReadBytes(HashBytes));
                var values = new float[dimension];
                var bytes = reader.ReadBytes(4 * dimension);
                if (bytes.Length != 4 * dimension) return new();
                Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
                entries[hash] = values;
            }
            return entries;
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or FormatException)
        {
            return new(); // a damaged cache costs one re-embedding, never a failed gate
        }
    }

    /// <summary>Writes these entries (content hash: SHA-256 hex -> features), atomically, in the order given.</summary>
    public static void Save(string path, string identity, int dimension, IEnumerable<KeyValuePair<string, float[]>> entries)
    {
        var list = entries.ToList();
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(identity);
            writer.Write(dimension);
            writer.Write(list.Count);
            var bytes = new byte[4 * dimension];
            foreach (var (hash, values) in list)
            {
                if (values.Length != dimension) throw new ArgumentException($"features of {values.Length} values where {dimension} are expected", nameof(entries));
                writer.Write(Convert.FromHexString(hash));
                Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
                writer.Write(bytes);
            }
        });
    }
}
