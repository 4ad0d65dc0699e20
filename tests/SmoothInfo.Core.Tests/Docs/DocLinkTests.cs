using System.Text.RegularExpressions;

namespace SmoothInfo.Tests.Docs;

/// <summary>Every docs/*.md page the sources mention (comments, messages, schema descriptions) exists.</summary>
public sealed partial class DocLinkTests
{
    [GeneratedRegex(@"docs/[A-Za-z0-9_./-]+?\.md")]
    private static partial Regex DocPath();

    [Test]
    public void EveryDocsPageTheSourcesMentionExists()
    {
        string src = Path.Combine(Repository.Root, "src");
        var mentions = Directory.EnumerateFiles(src, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && Path.GetExtension(f) is ".cs" or ".json" or ".props" or ".targets" or ".csproj")
            .SelectMany(f => DocPath().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetRelativePath(Repository.Root, f), Doc: m.Value)))
            .ToList();
        Assert.That(mentions, Is.Not.Empty, "the scan found no docs mentions at all");
        var missing = mentions.Where(m => !File.Exists(Path.Combine(Repository.Root, m.Doc))).Select(m => $"{m.File} mentions {m.Doc}");
        Assert.That(missing, Is.Empty);
    }
}
