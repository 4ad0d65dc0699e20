using static TorchSharp.torch;

namespace SmoothInfo.Kernels;

/// <summary>
/// The samples of one input set cut into blocks sized to the memory budget, with their features either computed once
/// and kept (when all of them fit in half the budget) or recomputed each time a block is needed.
/// </summary>
internal sealed class SampleBlocks : IDisposable
{
    private readonly LinearizedNetwork _network;
    private readonly Tensor _inputs;
    private readonly int _blockSize;
    private readonly BlockFeatures?[] _cache;
    private readonly bool _keep;

    /// <param name="companionSamples">samples of the other side of a cross kernel (0 for train x train), whose
    /// features share the budget.</param>
    public SampleBlocks(LinearizedNetwork network, Tensor inputs, NtkOptions options, long companionSamples)
    {
        _network = network;
        _inputs = inputs;
        long n = inputs.shape[0];

        // Measure the per-sample feature size and k on one sample rather than predicting them from layer shapes.
        using (var first = inputs.narrow(0, 0, 1))
        using (var probe = FeatureExtractor.Compute(network, first))
        {
            BytesPerSample = probe.Bytes;
            Outputs = probe.Outputs;
        }
        long elementSize = inputs.element_size();
        _keep = (n + companionSamples) * BytesPerSample <= options.MemoryBudgetBytes / 2;
        _blockSize = options.SamplesPerBlock ?? (int)Math.Min(Math.Min(
            LargestBlock(n, options.MemoryBudgetBytes - (_keep ? (n + companionSamples) * BytesPerSample : 0), elementSize),
            Math.Max(1, MaxBlockRows / Outputs)), options.MaxSamplesPerBlock ?? int.MaxValue);
        _blockSize = (int)Math.Clamp(_blockSize, 1, n);
        Count = (int)((n + _blockSize - 1) / _blockSize);
        _cache = new BlockFeatures?[Count];
    }

    /// <summary>
    /// Kernel rows per block when the budget allows more: products of 4096 rows still run BLAS at full speed, and
    /// several blocks let a symmetric kernel compute only the blocks on and below the diagonal (n/b + 1 of 2 n/b).
    /// </summary>
    public const long MaxBlockRows = 4096;

    public long BytesPerSample { get; }
    public long Outputs { get; }
    public int Count { get; }

    public long Start(int block) => (long)block * _blockSize;
    public long Length(int block) => Math.Min(_blockSize, _inputs.shape[0] - Start(block));

    /// <summary>Writes rows of block i against the columns of block j of another (or the same) set into target.</summary>
    public void WriteGram(int i, SampleBlocks columns, int j, Tensor target, Tensor scratch) =>
        WithFeatures(i, columns, j, (rows, cols) => rows.WriteGram(cols, target, scratch));

    /// <summary>Writes the class-shared block (sum over outputs) of block i against block j into target.</summary>
    public void WriteSharedGram(int i, SampleBlocks columns, int j, Tensor target) =>
        WithFeatures(i, columns, j, (rows, cols) => rows.WriteSharedGram(cols, target));

    private void WithFeatures(int i, SampleBlocks columns, int j, Action<BlockFeatures, BlockFeatures> write)
    {
        var rows = Features(i, out bool disposeRows);
        var cols = columns.Features(j, out bool disposeCols);
        try
        {
            write(rows, cols);
        }
        finally
        {
            if (disposeRows) rows.Dispose();
            if (disposeCols && !ReferenceEquals(rows, cols)) cols.Dispose();
        }
    }

    /// <summary>Samples per block: the largest that fits the budget, at most <see cref="MaxBlockRows"/> kernel rows.</summary>
    public int BlockSize => _blockSize;

    private BlockFeatures Features(int block, out bool disposeAfterUse)
    {
        disposeAfterUse = !_keep;
        if (_cache[block] is { } kept) return kept;
        using var slice = _inputs.narrow(0, Start(block), Length(block));
        var features = FeatureExtractor.Compute(_network, slice);
        if (_keep) _cache[block] = features;
        return features;
    }

    /// <summary>The largest block whose two feature sets (unless kept) and two (b*k)^2 scratch buffers fit the budget.</summary>
    private int LargestBlock(long n, long budget, long elementSize)
    {
        long features = _keep ? 0 : 2 * BytesPerSample;
        long block = n;
        while (block > 1 && block * features + 2 * block * block * Outputs * Outputs * elementSize > budget) block = (block + 1) / 2;
        return (int)block;
    }

    public void Dispose()
    {
        foreach (var features in _cache) features?.Dispose();
    }
}
