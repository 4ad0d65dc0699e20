namespace SmoothInfo.Data;

/// <summary>
/// Samples of one dataset, stored column-compact: all features in one row-major float32 array
/// (<see cref="Count"/> x <see cref="FeatureCount"/>) so 60,000 images cost one allocation, not 60,000.
/// </summary>
public sealed class Dataset
{
    private readonly float[] _features;
    private readonly int[] _labels;
    private readonly SampleLocator[] _locators;
    private readonly string[] _hashes;
    private readonly string?[] _ids;
    private readonly string?[] _sources;

    internal Dataset(float[] features, int[] sampleShape, int[] labels, IReadOnlyList<string> classNames,
        SampleLocator[] locators, string[] hashes, string?[] ids, string?[] sources, Preprocessing.ScalingStatistics scaling)
    {
        Conventions = new TrainingConventions(sampleShape, classNames, scaling);
        _features = features;
        SampleShape = sampleShape;
        _labels = labels;
        ClassNames = classNames;
        _locators = locators;
        _hashes = hashes;
        _ids = ids;
        _sources = sources;
    }

    public int Count => _labels.Length;

    /// <summary>Its classes and fitted scaling statistics, which held-out data read against it takes.</summary>
    public TrainingConventions Conventions { get; }

    /// <summary>The shape of one sample: [features] for tables, [channels, height, width] or [height, width] for images.</summary>
    public IReadOnlyList<int> SampleShape { get; }

    public int FeatureCount => SampleShape.Aggregate(1, (a, b) => a * b);

    /// <summary>Class names; a sample's label is an index into this list.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>All features, row-major: sample i is [i * FeatureCount, (i + 1) * FeatureCount).</summary>
    public ReadOnlyMemory<float> Features => _features;

    public ReadOnlySpan<int> Labels => _labels;

    public Sample this[int index] => new(
        index, _features.AsMemory(index * FeatureCount, FeatureCount), _labels[index], _locators[index], _hashes[index], _ids[index], _sources[index]);

    public IEnumerable<Sample> Samples => Enumerable.Range(0, Count).Select(i => this[i]);
}
