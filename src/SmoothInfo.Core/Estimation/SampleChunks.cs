using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>Samples [first, first + count) in chunks, each in its own dispose scope: the passes of the streamed routes, over
/// all samples in one process or over a shard's range.</summary>
internal static class SampleChunks
{
    public static void ForEach(long first, long count, long chunkRows, Action<long, long> body)
    {
        for (long start = first; start < first + count; start += chunkRows)
        {
            using var scope = NewDisposeScope();
            body(start, Math.Min(chunkRows, first + count - start));
        }
    }
}
