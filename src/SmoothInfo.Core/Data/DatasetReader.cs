using SmoothInfo.Data.Csv;
using SmoothInfo.Data.Idx;
using SmoothInfo.Data.Images;
using SmoothInfo.Data.Npy;
using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Data;

/// <summary>
/// Reads the dataset a policy describes. Every problem with the data is an <see cref="Diagnostics.InputException"/>
/// naming the file and line (or index); it is thrown before any result is written.
/// </summary>
public static class DatasetReader
{
    /// <param name="maxSamples">The sample budget (estimator.maxSamples): a larger dataset is refused.</param>
    /// <param name="training">Null: the training set itself; else the set it is read against (held-out data).</param>
    public static Dataset Read(DatasetPolicy policy, int maxSamples, TrainingConventions? training = null) => policy.Format switch
    {
        DatasetFormat.Csv or DatasetFormat.Tsv => CsvDatasetReader.Read(policy, maxSamples, training),
        DatasetFormat.Idx => IdxDatasetReader.Read(policy, maxSamples, training),
        DatasetFormat.ImageFolder or DatasetFormat.ImageCsv => ImageDatasetReader.Read(policy, maxSamples, training),
        DatasetFormat.Npy => NpyDatasetReader.Read(policy, maxSamples, training),
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy.Format, "unknown dataset format"),
    };

    public static Dataset Read(SmoothInfoPolicy policy) => Read(policy.Dataset, policy.Estimator.MaxSamples);

    /// <summary>
    /// The policy's held-out set read against the training set: its classes, its fitted preprocessing statistics, and
    /// samples of the training samples' shape (the model takes nothing else). Null when the policy has none.
    /// </summary>
    public static Dataset? ReadHeldOut(SmoothInfoPolicy policy, Dataset training)
    {
        if (policy.HeldOut is not { } heldOutPolicy) return null;
        var heldOut = Read(heldOutPolicy, policy.Estimator.MaxSamples, training.Conventions);
        if (!heldOut.SampleShape.SequenceEqual(training.SampleShape))
            throw new InputException(ErrorCodes.ShapeInconsistent,
                $"the held-out samples have shape [{string.Join(", ", heldOut.SampleShape)}], the training samples [{string.Join(", ", training.SampleShape)}]; " +
                "the model trained on the dataset takes inputs of the training samples' shape only.",
                "give 'heldOut' the same feature columns (or image size and channels) as 'dataset'.", policy.Locations.Of("heldOut.path"));
        return heldOut;
    }
}
