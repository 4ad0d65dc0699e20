namespace SmoothInfo.Data;

/// <summary>
/// Samples of one dataset: labels, locators and hashes in memory; the features (<see cref="Count"/> x <see cref="FeatureCount"/>,
/// row-major, float32) in a <see cref="FeatureStore"/>, read in row blocks by whoever needs them.
/// </summary>
public sealed class Dataset
{
    private readonly FeatureStore _features;
    private readonly int[] _labels;
    private readonly SampleLocator[] _locators;
    private readonly string[] _hashes;
    private readonly string?[] _ids;
    private readonly string?[] _sources;

    internal Dataset(FeatureStore features, int[] sampleShape, int[] labels, IReadOnlyList<string> classNames,
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

    /// <summary>The features of samples [first, first + count), row-major, into <paramref name="destination"/>.</summary>
    public void CopyFeatures(long first, int count, Span<float> destination) => _features.CopyRows(first, count, destination);

    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>Each sample's content hash, without reading its features.</summary>
    public IReadOnlyList<string> ContentHashes => _hashes;

    public IReadOnlyList<SampleLocator> Locators => _locators;

    public IReadOnlyList<string?> Sources => _sources;

    public Sample this[int index] => new(
        index, _features.Row(index), _labels[index], _locators[index], _hashes[index], _ids[index], _sources[index]);

    public IEnumerable<Sample> Samples => Enumerable.Range(0, Count).Select(i => this[i]);
}
