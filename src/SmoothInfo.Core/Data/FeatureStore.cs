namespace SmoothInfo.Data;

/// <summary>
/// Where a dataset's features are, row-major, after preprocessing: in memory (the readers that decode), or in a file read
/// per request (<see cref="Npy.MappedNpyFeatures"/>), so a million embeddings never sit in the process twice.
/// </summary>
internal abstract class FeatureStore
{
    protected FeatureStore(int featureCount) => FeatureCount = featureCount;

    public int FeatureCount { get; }

    /// <summary>Rows [first, first + count) into <paramref name="destination"/> (count x FeatureCount values).</summary>
    public abstract void CopyRows(long first, int count, Span<float> destination);

    /// <summary>One row; a copy unless the store holds it in memory.</summary>
    public virtual ReadOnlyMemory<float> Row(int index)
    {
        var row = new float[FeatureCount];
        CopyRows(index, 1, row);
        return row;
    }
}

/// <summary>All features in one float32 array, so 60,000 images cost one allocation, not 60,000.</summary>
internal sealed class InMemoryFeatures : FeatureStore
{
    private readonly float[] _values;

    public InMemoryFeatures(float[] values, int featureCount) : base(featureCount) => _values = values;

    public override void CopyRows(long first, int count, Span<float> destination) =>
        _values.AsSpan(checked((int)(first * FeatureCount)), count * FeatureCount).CopyTo(destination);

    public override ReadOnlyMemory<float> Row(int index) => _values.AsMemory(index * FeatureCount, FeatureCount);
}
