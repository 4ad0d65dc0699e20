using SmoothInfo.Data.Csv;
using SmoothInfo.Data.Idx;
using SmoothInfo.Data.Images;
using SmoothInfo.Data.Npy;
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
    /// The policy's held-out set read against the training set: its sample shape, classes and fitted preprocessing
    /// statistics. Null when the policy has none.
    /// </summary>
    public static Dataset? ReadHeldOut(SmoothInfoPolicy policy, Dataset training) =>
        policy.HeldOut is { } heldOut ? Read(heldOut, policy.Estimator.MaxSamples, training.Conventions) : null;
}
