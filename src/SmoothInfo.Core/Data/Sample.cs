namespace SmoothInfo.Data;

/// <summary>One training sample: its features (after preprocessing), class, where it lives and its content hash.</summary>
/// <param name="ContentHash">SHA-256 (hex) of the features as read, before preprocessing, label excluded:
/// a renamed file or a corrected label is still recognised as the same sample (docs/datasets.md).</param>
public readonly record struct Sample(
    int Index,
    ReadOnlyMemory<float> Features,
    int Label,
    SampleLocator Locator,
    string ContentHash,
    string? Id,
    string? Source);
