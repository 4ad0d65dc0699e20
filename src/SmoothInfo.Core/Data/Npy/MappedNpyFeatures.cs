using System.Buffers;
using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using SmoothInfo.Data.Preprocessing;

namespace SmoothInfo.Data.Npy;

/// <summary>
/// The features of an .npy array (little-endian float32 or float64, C order) read from the file through a memory map, a
/// block of rows at a time, and preprocessed on the way out: the process never holds the whole array, and the pages it
/// read belong to the page cache, not to the process, once the block's view is closed. Each request maps the file afresh,
/// so the store holds no handle between passes.
/// </summary>
internal sealed class MappedNpyFeatures(string path, long dataOffset, int elementSize, long sampleCount, int featureCount, ScalingStatistics? transform = null)
    : FeatureStore(featureCount)
{
    /// <summary>Bytes per block of <see cref="ForEachBlock"/>: about 4,096 rows of 512 float32.</summary>
    public const int BlockBytes = 8 << 20;

    public long Count => sampleCount;

    private long RowBytes => (long)FeatureCount * elementSize;

    /// <summary>The same file with a preprocessing step applied to every row read.</summary>
    public MappedNpyFeatures With(ScalingStatistics? scaling) => new(path, dataOffset, elementSize, sampleCount, FeatureCount, scaling);

    public override void CopyRows(long first, int count, Span<float> destination)
    {
        var values = destination[..(count * FeatureCount)];
        using var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = file.CreateViewStream(dataOffset + first * RowBytes, count * RowBytes, MemoryMappedFileAccess.Read);
        if (elementSize == 4 && BitConverter.IsLittleEndian)
        {
            view.ReadExactly(MemoryMarshal.AsBytes(values));
        }
        else
        {
            var raw = ArrayPool<byte>.Shared.Rent((int)Math.Min(BlockBytes, count * RowBytes));
            try
            {
                int perRead = (int)Math.Max(1, raw.Length / RowBytes);
                for (int done = 0; done < count; done += perRead)
                {
                    int rows = Math.Min(perRead, count - done);
                    var bytes = raw.AsSpan(0, (int)(rows * RowBytes));
                    view.ReadExactly(bytes);
                    Decode(bytes, elementSize, values.Slice(done * FeatureCount, rows * FeatureCount));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(raw);
            }
        }
        transform?.Apply(values);
    }

    /// <summary>Every row once, in order, in blocks: body(first row, rows) with a buffer that is reused between blocks.</summary>
    public void ForEachBlock(Action<long, float[]> body)
    {
        int perBlock = (int)Math.Clamp(BlockBytes / Math.Max(1, (long)FeatureCount * sizeof(float)), 1, Count);
        var buffer = new float[(long)perBlock * FeatureCount];
        for (long first = 0; first < Count; first += perBlock)
        {
            int rows = (int)Math.Min(perBlock, Count - first);
            var block = rows == perBlock ? buffer : new float[(long)rows * FeatureCount];
            CopyRows(first, rows, block);
            body(first, block);
        }
    }

    /// <summary>Little-endian float32 or float64 values to float32.</summary>
    internal static void Decode(ReadOnlySpan<byte> raw, int elementSize, Span<float> features)
    {
        for (int j = 0; j < features.Length; j++)
            features[j] = elementSize == 4
                ? BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(4 * j))
                : (float)BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(8 * j));
    }
}
