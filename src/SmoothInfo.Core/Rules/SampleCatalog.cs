using SmoothInfo.Data;

namespace SmoothInfo.Rules;

/// <summary>
/// What the rules and reports need to know about the samples besides their signals: class names, where each sample
/// lives, its content hash and data source. Comes from the dataset, or from a saved smoothinfo-report.json, so
/// `smoothinfo report` can re-apply the rules without reading the data again.
/// </summary>
public sealed record SampleCatalog(
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<SampleLocator> Locators,
    IReadOnlyList<string> ContentHashes,
    IReadOnlyList<string?> Sources)
{
    public int Count => Locators.Count;

    public static SampleCatalog Of(Dataset dataset) => new(dataset.ClassNames, dataset.Locators, dataset.ContentHashes, dataset.Sources);
}
