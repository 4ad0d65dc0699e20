using System.Buffers.Binary;
using System.Globalization;
using SmoothInfo.Data.Preprocessing;
using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Data.Npy;

/// <summary>
/// A NumPy feature array (float32 or float64, first axis = samples) plus a labels file: a 1-D .npy of whole numbers, or
/// text with one label per line. Read without torch. The features stay in the file (<see cref="MappedNpyFeatures"/>): one
/// pass checks and hashes them, a scaling policy takes one or two more, and the estimator reads them again in blocks.
/// </summary>
public static class NpyDatasetReader
{
    public static Dataset Read(DatasetPolicy policy, int maxSamples, TrainingConventions? training = null)
    {
        string file = policy.Path;
        string labelsPath = policy.Labels ?? throw new ArgumentException("an NPY dataset needs a labels file; the policy loader checks this", nameof(policy));
        NpyFile.Header header;
        // ReadHeader also checks that the file holds every sample its shape promises.
        using (var stream = DataFiles.OpenRead(file))
            header = NpyFile.ReadHeader(stream, file);
        if (header.Shape.Length == 0)
            throw new InputException(ErrorCodes.NpyMalformed, "the array is a scalar; an array with one row per sample is expected.",
                "save the features as a (samples, features...) array.", new SourceLocation(file));
        long count = header.Shape[0];
        if (count == 0) throw DatasetBuilder.Empty(file, policy.Section); // before sizing buffers by a sample shape no data backs
        if (count > maxSamples) throw DatasetBuilder.TooLarge(new SampleLocator(file), count.ToString(CultureInfo.InvariantCulture), maxSamples);
        var labels = ReadLabels(labelsPath);
        if (labels.Count != count)
            throw new InputException(ErrorCodes.ShapeInconsistent,
                $"the labels file has {labels.Count} labels but {file} has {count} samples (shape {string.Join(" x ", header.Shape)}); one label per sample is expected.",
                "pair the feature array with its own labels, in the same order.", new SourceLocation(labelsPath));

        long[] declared = header.Shape.Length == 1 ? new[] { 1L } : header.Shape[1..];
        int featureCount = DatasetBuilder.FeatureCountOf(declared, file, ErrorCodes.NpyMalformed);
        var shape = declared.Select(d => (int)d).ToArray();
        DatasetBuilder.RequireTrainingShape(shape, training, policy.Section, file);
        var asRead = new MappedNpyFeatures(file, header.DataOffset, header.ElementSize, count, featureCount);
        var locators = new SampleLocator[count];
        var hashes = new string[count];
        asRead.ForEachBlock((first, rows) =>
        {
            for (int i = 0; i < rows.Length / featureCount; i++)
            {
                locators[first + i] = SampleLocator.AtIndex(file, first + i);
                DatasetBuilder.RequireFinite(rows.AsSpan(i * featureCount, featureCount), locators[first + i]);
            }
            DatasetBuilder.HashRows(rows, featureCount, hashes, first);
        });
        var scaling = training?.Scaling ?? FeatureScaler.Fit(policy.Preprocessing.Features, featureCount, visit => asRead.ForEachBlock((_, rows) => visit(rows)));
        var (labelIndices, classNames) = training is null
            ? LabelMap.Map(labels, locators, policy.Classes)
            : LabelMap.MapToTraining(labels, locators, training.ClassNames);
        return new Dataset(asRead.With(scaling), shape, labelIndices, classNames, locators, hashes, new string?[count], new string?[count], scaling);
    }

    private static double LabelValue(ReadOnlySpan<byte> bytes, string descr) => descr switch
    {
        "<f8" => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
        "<f4" => BinaryPrimitives.ReadSingleLittleEndian(bytes),
        "|u1" => bytes[0],
        "|i1" => (sbyte)bytes[0],
        "<u2" => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        "<i2" => BinaryPrimitives.ReadInt16LittleEndian(bytes),
        "<u4" => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        "<i4" => BinaryPrimitives.ReadInt32LittleEndian(bytes),
        "<u8" => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        _ => BinaryPrimitives.ReadInt64LittleEndian(bytes),
    };

    /// <summary>Labels as text: from a 1-D .npy of whole numbers (integer or float dtype), or one per line of a text file.</summary>
    private static IReadOnlyList<string> ReadLabels(string path)
    {
        if (!path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            using var stream = DataFiles.OpenRead(path);
            using var reader = new StreamReader(stream);
            var lines = new List<string>();
            while (reader.ReadLine() is { } line) lines.Add(line.Trim());
            while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1); // a trailing newline is not a sample
            return lines;
        }
        using var npy = DataFiles.OpenRead(path);
        var header = NpyFile.ReadHeader(npy, path, integersAllowed: true);
        if (header.Shape.Length != 1)
            throw new InputException(ErrorCodes.ShapeInconsistent, $"the labels array has shape ({string.Join(", ", header.Shape)}); a 1-D array with one label per sample is expected.",
                "save the labels as a flat array, e.g. numpy.save(path, y.ravel()).", new SourceLocation(path));
        var raw = new byte[header.ElementCount * header.ElementSize]; // ReadHeader checked that the file holds them
        npy.ReadExactly(raw);
        var labels = new string[header.Shape[0]];
        for (int i = 0; i < labels.Length; i++)
        {
            double value = LabelValue(raw.AsSpan(i * header.ElementSize, header.ElementSize), header.Descr);
            if (value != Math.Round(value) || value < 0)
                throw new InputException(ErrorCodes.LabelUnknown, $"label {i} is {value.ToString(CultureInfo.InvariantCulture)}; a class number (a whole number from 0) is expected.",
                    "store class numbers, not scores or one-hot rows.", SampleLocator.AtIndex(path, i).ToSourceLocation());
            labels[i] = ((long)value).ToString(CultureInfo.InvariantCulture);
        }
        return labels;
    }
}
