using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SmoothInfo.Data;
using SmoothInfo.Diagnostics;
using SmoothInfo.IO;

namespace SmoothInfo.Rules;

/// <summary>An accepted finding: the sample's content hash (so renames and label fixes keep it), and for people, where it was.</summary>
public sealed record BaselineEntry(string ContentHash, string Category, string Locator, string? Note);

/// <summary>
/// Accepted findings, like analyzer suppressions: a JSON file written by `smoothinfo baseline`, matched by content
/// hash. Entries that no longer match a finding are stale and reported, so the file does not silently rot. Since schema
/// version 2 it also holds a snapshot of every sample it was made on (content and label, as <see cref="SampleKey"/>),
/// so that a later run can tell the samples a change adds or alters from those it left alone (rules.unchangedSamples).
/// </summary>
public sealed class Baseline
{
    public const int SchemaVersion = 2;
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <param name="snapshot">The <see cref="SampleKey"/>s of every sample the baseline was made on; null when unknown (schema 1).</param>
    public Baseline(IReadOnlyList<BaselineEntry> entries, IReadOnlySet<string>? snapshot = null)
    {
        Entries = entries;
        Hashes = entries.Select(e => e.ContentHash).ToHashSet(StringComparer.Ordinal);
        Snapshot = snapshot;
    }

    public static Baseline Empty { get; } = new(Array.Empty<BaselineEntry>());

    public IReadOnlyList<BaselineEntry> Entries { get; }
    public IReadOnlySet<string> Hashes { get; }
    public IReadOnlySet<string>? Snapshot { get; }

    public bool Accepts(string contentHash) => Hashes.Contains(contentHash);

    /// <summary>Whether the baseline was made on a sample with this content and this label (false without a snapshot).</summary>
    public bool HoldsUnchanged(string contentHash, string label) => Snapshot?.Contains(SampleKey(contentHash, label)) == true;

    /// <summary>
    /// A sample's content and label in 16 hex digits (64 bits of SHA-256: a collision among a million samples has
    /// probability below 1e-7), so a snapshot of a large dataset stays small; relabelling a sample changes its key.
    /// </summary>
    public static string SampleKey(string contentHash, string label) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(contentHash + "\n" + label)), 0, 8);

    public static Baseline Load(string path)
    {
        if (!File.Exists(path))
            throw new InputException(ErrorCodes.FileNotFound, "the baseline file named in the policy does not exist.",
                "create it with `smoothinfo baseline`, or remove 'baseline' from the policy.", new SourceLocation(path));
        try
        {
            var file = JsonSerializer.Deserialize<BaselineFile>(File.ReadAllText(path), Json);
            if (file is null || file.SchemaVersion is < 1 or > SchemaVersion || file.Accepted is null)
                throw new JsonException($"expected schemaVersion 1 to {SchemaVersion} and an 'accepted' list");
            if (file.Accepted.Any(e => string.IsNullOrEmpty(e.ContentHash)))
                throw new JsonException("every accepted entry needs a contentHash");
            if (file.Snapshot?.Any(string.IsNullOrEmpty) == true)
                throw new JsonException("every snapshot entry needs a sample key");
            return new Baseline(file.Accepted, file.Snapshot?.ToHashSet(StringComparer.Ordinal));
        }
        catch (JsonException e)
        {
            var location = e.LineNumber is { } line ? new SourceLocation(path, (int)line + 1, (int)(e.BytePositionInLine ?? 0) + 1) : new SourceLocation(path);
            throw new InputException(ErrorCodes.BaselineMalformed, $"the baseline file cannot be read: {e.Message}",
                "regenerate it with `smoothinfo baseline`.", location);
        }
    }

    /// <summary>
    /// Writes the findings as accepted entries (sorted by locator for stable diffs) and the snapshot of every sample
    /// (sorted keys), atomically. Locators are written relative to the baseline's folder, so the committed file reads the
    /// same on every clone.
    /// </summary>
    public static void Write(string path, IEnumerable<Finding> findings, IEnumerable<string> snapshot)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string Where(SampleLocator at) =>
            Path.IsPathRooted(at.File) ? (at with { File = Path.GetRelativePath(folder, at.File).Replace('\\', '/') }).ToString() : at.ToString();
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(new BaselineFile(SchemaVersion,
            findings.Select(f => new BaselineEntry(f.ContentHash, f.Kind.Name, Where(f.Locator), null))
                .DistinctBy(e => e.ContentHash)
                .OrderBy(e => e.Locator, StringComparer.Ordinal).ToList(),
            snapshot.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()), Json) + "\n");
    }

    private sealed record BaselineFile(int SchemaVersion, List<BaselineEntry> Accepted, List<string>? Snapshot = null);
}
