using System.Globalization;
using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Data.Idx;

/// <summary>An IDX images file plus an IDX labels file (MNIST, Fashion-MNIST, ...). Locators are file and record index.</summary>
public static class IdxDatasetReader
{
    public static Dataset Read(DatasetPolicy policy, int maxSamples, TrainingConventions? training = null)
    {
        string labelsPath = policy.Labels ?? throw new ArgumentException("an IDX dataset needs a labels file; the policy loader checks this", nameof(policy));
        using var images = IdxFile.Open(policy.Path);
        using var labels = IdxFile.Open(labelsPath);
        if (labels.RecordLength != 1)
            throw new InputException(ErrorCodes.ShapeInconsistent,
                $"the labels file holds records of shape {string.Join(" x ", labels.RecordShape)}; one number per sample (a 1-dimensional IDX file) is expected.",
                $"set '{policy.Section}.labels' to the labels file (e.g. train-labels-idx1-ubyte.gz) and '{policy.Section}.path' to the images file.", new SourceLocation(labelsPath));
        if (labels.Count != images.Count)
            throw new InputException(ErrorCodes.ShapeInconsistent,
                $"the labels file has {labels.Count} labels but the images file {policy.Path} has {images.Count} records; one label per record is expected.",
                "pair the images file with its own labels file (train with train, t10k with t10k).", new SourceLocation(labelsPath));
        if (images.Count > maxSamples) throw DatasetBuilder.TooLarge(new SampleLocator(policy.Path), images.Count.ToString(CultureInfo.InvariantCulture), maxSamples);

        var builder = new DatasetBuilder(policy.Path, images.RecordShape, maxSamples, images.Count);
        var pixels = new float[images.RecordLength];
        var label = new float[1];
        for (int i = 0; i < images.Count; i++)
        {
            images.ReadRecord(i, pixels);
            labels.ReadRecord(i, label);
            builder.Add(pixels, label[0].ToString(CultureInfo.InvariantCulture), SampleLocator.AtIndex(policy.Path, i));
        }
        return builder.Build(policy, training);
    }
}
