using System.Security.Cryptography;
using System.Runtime.InteropServices;
using SmoothInfo.Data.Preprocessing;
using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Data;

/// <summary>
/// What every reader does once a sample is decoded: enforce the sample budget, reject non-finite
/// features, then map labels to classes, hash content and apply preprocessing in <see cref="Build"/>.
/// </summary>
internal sealed class DatasetBuilder
{
    private readonly string _datasetPath;
    private readonly int _maxSamples;
    private readonly int[] _sampleShape;
    private readonly int _featureCount;
    private float[] _features;
    private readonly List<string> _labels = new();
    private readonly List<SampleLocator> _locators = new();
    private readonly List<string?> _ids = new();
    private readonly List<string?> _sources = new();

    /// <param name="expectedCount">A size hint (0 when unknown) so large datasets are not copied while growing. Readers pass
    /// a count their file can hold (checked against its length), never a header's claim alone.</param>
    public DatasetBuilder(string datasetPath, int[] sampleShape, int maxSamples, long expectedCount = 0)
    {
        _datasetPath = datasetPath;
        _sampleShape = sampleShape;
        _featureCount = sampleShape.Aggregate(1, (a, b) => a * b);
        _maxSamples = maxSamples;
        long hint = Math.Clamp(expectedCount, 0, maxSamples);
        _features = new float[Math.Min((long)_featureCount * hint, Array.MaxLength)];
    }

    public int Count => _labels.Count;

    /// <summary>Largest number of feature values one sample may have (a 16384 x 16384 RGB image is 805 M).</summary>
    public const long MaxFeaturesPerSample = 1L << 30;

    /// <summary>
    /// The features per sample of a file's declared sample shape; a shape too large to hold (a damaged or
    /// hostile header) is an input error here rather than an arithmetic overflow later.
    /// </summary>
    public static int FeatureCountOf(IReadOnlyList<long> sampleShape, string file, string code)
    {
        long product = 1;
        foreach (long d in sampleShape)
        {
            product = d <= 0 ? 0 : Math.Min(product * Math.Min(d, MaxFeaturesPerSample + 1), MaxFeaturesPerSample + 1);
        }
        if (product > MaxFeaturesPerSample || product == 0)
            throw new InputException(code,
                $"the header declares samples of shape ({string.Join(", ", sampleShape)}); between 1 and {MaxFeaturesPerSample} values per sample are expected.",
                "the header is damaged or the array is not one sample per row: re-export the data.", new SourceLocation(file));
        return (int)product;
    }

    /// <summary>Adds one sample. <paramref name="label"/> is the label as written (a class name or number); empty when missing.</summary>
    public void Add(ReadOnlySpan<float> features, string label, SampleLocator locator, string? id = null, string? source = null)
    {
        if (features.Length != _featureCount)
            throw new InvalidOperationException($"a reader produced {features.Length} features where the sample shape needs {_featureCount}");
        if (Count == _maxSamples) throw TooLarge(locator, $"more than {_maxSamples}");
        RequireFinite(features, locator);
        EnsureCapacity((long)(Count + 1) * _featureCount);
        features.CopyTo(_features.AsSpan((int)((long)Count * _featureCount)));
        _labels.Add(label);
        _locators.Add(locator);
        _ids.Add(id);
        _sources.Add(source);
    }

    /// <summary>The error for a dataset over the sample budget (readers that know the count up front call it directly).</summary>
    public static InputException TooLarge(SampleLocator where, string count, int maxSamples) => new(ErrorCodes.DatasetTooLarge,
        $"the dataset has {count} samples; the budget 'estimator.maxSamples' allows {maxSamples} (the kernel grows with the square of the count).",
        "raise 'estimator.maxSamples' in the policy, or train the gate on a sample of the data.", where.ToSourceLocation());

    /// <param name="training">Null: classes and scaling statistics from this data (the training set); else the training set's.</param>
    public Dataset Build(DatasetPolicy policy, TrainingConventions? training)
    {
        if (Count == 0) throw Empty(_datasetPath, policy.Section);
        RequireTrainingShape(_sampleShape, training, policy.Section, _datasetPath);
        var (labels, classNames) = training is null
            ? LabelMap.Map(_labels, _locators, policy.Classes)
            : LabelMap.MapToTraining(_labels, _locators, training.ClassNames);
        var features = _features.Length == (long)Count * _featureCount ? _features : _features[..(Count * _featureCount)];
        var hashes = new string[Count];
        HashRows(features, _featureCount, hashes, 0);
        var scaling = training?.Scaling ?? FeatureScaler.Fit(features, _featureCount, policy.Preprocessing.Features);
        scaling.Apply(features);
        return new Dataset(new InMemoryFeatures(features, _featureCount), _sampleShape, labels, classNames, _locators.ToArray(), hashes, _ids.ToArray(), _sources.ToArray(), scaling);
    }

    /// <summary>Held-out samples must have the training samples' shape: the model takes no other.</summary>
    public static void RequireTrainingShape(IReadOnlyList<int> shape, TrainingConventions? training, string section, string datasetPath)
    {
        if (training is not null && !training.SampleShape.SequenceEqual(shape))
            throw new InputException(ErrorCodes.ShapeInconsistent,
                $"the held-out samples have shape [{string.Join(", ", shape)}], the training samples [{string.Join(", ", training.SampleShape)}]; " +
                "the model trained on the dataset takes inputs of the training samples' shape only.",
                $"give '{section}' the same feature columns (or image size and channels) as 'dataset'.", new SourceLocation(datasetPath));
    }

    /// <summary>The error for a dataset without samples (readers that know the count up front call it directly).</summary>
    public static InputException Empty(string datasetPath, string section = "dataset") => new(ErrorCodes.DatasetEmpty, "the dataset has no samples.",
        $"point '{section}.path' at the data, and check that the file has rows below its header (or images in its folders).",
        new SourceLocation(datasetPath));

    private InputException TooLarge(SampleLocator where, string count) => TooLarge(where, count, _maxSamples);

    /// <summary>The content hash of each row of a block (features as read, before preprocessing) into hashes[first..].</summary>
    public static void HashRows(float[] rows, int featureCount, string[] hashes, long first)
    {
        Parallel.For(0, rows.Length / featureCount, i =>
        {
            var row = rows.AsSpan(i * featureCount, featureCount);
            hashes[first + i] = Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(row)));
        });
    }

    private void EnsureCapacity(long needed)
    {
        if (needed <= _features.Length) return;
        if (needed > Array.MaxLength)
            throw new InputException(ErrorCodes.DatasetTooLarge,
                $"the dataset's features exceed {Array.MaxLength} values ({Count + 1} samples of {_featureCount}), more than one process can hold.",
                "lower 'estimator.maxSamples' and train the gate on a sample of the data, or a smaller 'preprocessing.imageSize'.", new SourceLocation(_datasetPath));
        long grown = Math.Min(Math.Max(needed, _features.Length * 2L), Array.MaxLength);
        Array.Resize(ref _features, (int)grown);
    }

    /// <summary>Every feature of a sample is a finite number.</summary>
    public static void RequireFinite(ReadOnlySpan<float> features, SampleLocator locator)
    {
        int bad = IndexOfNonFinite(features);
        if (bad >= 0)
            throw new InputException(ErrorCodes.NonFiniteFeature,
                $"sample {locator} has the value {features[bad]} at feature {bad}; finite numbers are expected.",
                "replace missing or infinite values in the data (e.g. impute them) or drop the sample.", locator.ToSourceLocation());
    }

    private static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }
}
