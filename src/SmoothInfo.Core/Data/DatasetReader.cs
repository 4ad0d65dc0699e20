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
    public static Dataset Read(DatasetPolicy policy, int maxSamples) => policy.Format switch
    {
        DatasetFormat.Csv or DatasetFormat.Tsv => CsvDatasetReader.Read(policy, maxSamples),
        DatasetFormat.Idx => IdxDatasetReader.Read(policy, maxSamples),
        DatasetFormat.ImageFolder or DatasetFormat.ImageCsv => ImageDatasetReader.Read(policy, maxSamples),
        DatasetFormat.Npy => NpyDatasetReader.Read(policy, maxSamples),
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy.Format, "unknown dataset format"),
    };

    public static Dataset Read(SmoothInfoPolicy policy) => Read(policy.Dataset, policy.Estimator.MaxSamples);
}
