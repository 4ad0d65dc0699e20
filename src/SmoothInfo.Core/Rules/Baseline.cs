using System.Text.Encodings.Web;
using System.Text.Json;
using SmoothInfo.Diagnostics;
using SmoothInfo.IO;

namespace SmoothInfo.Rules;

/// <summary>An accepted finding: the sample's content hash (so renames and label fixes keep it), and for people, where it was.</summary>
public sealed record BaselineEntry(string ContentHash, string Category, string Locator, string? Note);

/// <summary>
/// Accepted findings, like analyzer suppressions: a JSON file written by `smoothinfo baseline`, matched by content
/// hash. Entries that no longer match a finding are stale and reported, so the file does not silently rot.
/// </summary>
public sealed class Baseline
{
    public const int SchemaVersion = 1;
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public Baseline(IReadOnlyList<BaselineEntry> entries)
    {
        Entries = entries;
        Hashes = entries.Select(e => e.ContentHash).ToHashSet(StringComparer.Ordinal);
    }

    public static Baseline Empty { get; } = new(Array.Empty<BaselineEntry>());

    public IReadOnlyList<BaselineEntry> Entries { get; }
    public IReadOnlySet<string> Hashes { get; }

    public bool Accepts(string contentHash) => Hashes.Contains(contentHash);

    public static Baseline Load(string path)
    {
        if (!File.Exists(path))
            throw new InputException(ErrorCodes.FileNotFound, "the baseline file named in the policy does not exist.",
                "create it with `smoothinfo baseline`, or remove 'baseline' from the policy.", new SourceLocation(path));
        try
        {
            var file = JsonSerializer.Deserialize<BaselineFile>(File.ReadAllText(path), Json);
            if (file is null || file.SchemaVersion != SchemaVersion || file.Accepted is null)
                throw new JsonException($"expected schemaVersion {SchemaVersion} and an 'accepted' list");
            if (file.Accepted.Any(e => string.IsNullOrEmpty(e.ContentHash)))
                throw new JsonException("every accepted entry needs a contentHash");
            return new Baseline(file.Accepted);
        }
        catch (JsonException e)
        {
            var location = e.LineNumber is { } line ? new SourceLocation(path, (int)line + 1, (int)(e.BytePositionInLine ?? 0) + 1) : new SourceLocation(path);
            throw new InputException(ErrorCodes.BaselineMalformed, $"the baseline file cannot be read: {e.Message}",
                "regenerate it with `smoothinfo baseline`.", location);
        }
    }

    /// <summary>Writes the findings as accepted entries (sorted by locator for stable diffs), atomically.</summary>
    public static void Write(string path, IEnumerable<Finding> findings) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(new BaselineFile(SchemaVersion,
            findings.Select(f => new BaselineEntry(f.ContentHash, f.Category.Name(), f.Locator.ToString(), null))
                .DistinctBy(e => e.ContentHash)
                .OrderBy(e => e.Locator, StringComparer.Ordinal).ToList()), Json) + "\n");

    private sealed record BaselineFile(int SchemaVersion, List<BaselineEntry> Accepted);
}
