using System.Buffers.Binary;
using System.Globalization;
using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Data.Npy;

/// <summary>
/// A NumPy feature array (float32 or float64, first axis = samples) plus a labels file: a 1-D .npy of
/// whole numbers, or text with one label per line. Read without torch, one sample at a time.
/// </summary>
public static class NpyDatasetReader
{
    public static Dataset Read(DatasetPolicy policy, int maxSamples)
    {
        string file = policy.Path;
        string labelsPath = policy.Labels ?? throw new ArgumentException("an NPY dataset needs a labels file; the policy loader checks this", nameof(policy));
        using var stream = DataFiles.OpenRead(file);
        var header = NpyFile.ReadHeader(stream, file);
        if (header.Shape.Length == 0)
            throw new InputException(ErrorCodes.NpyMalformed, "the array is a scalar; an array with one row per sample is expected.",
                "save the features as a (samples, features...) array.", new SourceLocation(file));
        long count = header.Shape[0];
        if (count > maxSamples) throw DatasetBuilder.TooLarge(new SampleLocator(file), count.ToString(CultureInfo.InvariantCulture), maxSamples);
        var labels = ReadLabels(labelsPath);
        if (labels.Count != count)
            throw new InputException(ErrorCodes.ShapeInconsistent,
                $"the labels file has {labels.Count} labels but {file} has {count} samples (shape {string.Join(" x ", header.Shape)}); one label per sample is expected.",
                "pair the feature array with its own labels, in the same order.", new SourceLocation(labelsPath));

        int[] sampleShape = header.Shape.Length == 1 ? new[] { 1 } : header.Shape[1..].Select(d => checked((int)d)).ToArray();
        var builder = new DatasetBuilder(file, sampleShape, maxSamples, count);
        int featureCount = sampleShape.Aggregate(1, (a, b) => a * b);
        var raw = new byte[featureCount * header.ElementSize];
        var features = new float[featureCount];
        for (long i = 0; i < count; i++)
        {
            if (stream.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false) < raw.Length)
                throw new InputException(ErrorCodes.NpyMalformed,
                    $"the file ends inside sample {i}; its header promises {count} samples of {raw.Length} bytes (shape {string.Join(" x ", header.Shape)}, {header.Descr}).",
                    "the file is truncated: save the array again with numpy.save.", new SourceLocation(file));
            Decode(raw, header.ElementSize, features);
            builder.Add(features, labels[(int)i], SampleLocator.AtIndex(file, i));
        }
        return builder.Build(policy.Classes, policy.Preprocessing.Features);
    }

    private static void Decode(ReadOnlySpan<byte> raw, int elementSize, Span<float> features)
    {
        for (int j = 0; j < features.Length; j++)
            features[j] = elementSize == 4
                ? BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(4 * j))
                : (float)BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(8 * j));
    }

    /// <summary>Labels as text: from a 1-D .npy of whole numbers, or one per line of a text file.</summary>
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
        var header = NpyFile.ReadHeader(npy, path);
        if (header.Shape.Length != 1)
            throw new InputException(ErrorCodes.ShapeInconsistent, $"the labels array has shape ({string.Join(", ", header.Shape)}); a 1-D array with one label per sample is expected.",
                "save the labels as a flat array, e.g. numpy.save(path, y.ravel().astype(numpy.float64)).", new SourceLocation(path));
        var raw = new byte[header.ElementCount * header.ElementSize];
        if (npy.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false) < raw.Length)
            throw new InputException(ErrorCodes.NpyMalformed, $"the labels file is truncated: its header promises {header.Shape[0]} labels.",
                "save the labels again with numpy.save.", new SourceLocation(path));
        var values = new float[header.Shape[0]];
        Decode(raw, header.ElementSize, values);
        var labels = new string[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] != MathF.Round(values[i]) || values[i] < 0)
                throw new InputException(ErrorCodes.LabelUnknown, $"label {i} is {values[i]}; a class number (a whole number from 0) is expected.",
                    "store class numbers, not scores or one-hot rows.", SampleLocator.AtIndex(path, i).ToSourceLocation());
            labels[i] = ((long)values[i]).ToString(CultureInfo.InvariantCulture);
        }
        return labels;
    }
}
