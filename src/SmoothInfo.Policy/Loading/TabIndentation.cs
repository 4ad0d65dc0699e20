namespace SmoothInfo.Policy.Loading;

/// <summary>
/// Finds a tab in a line's indentation. YamlDotNet rejects such a tab but reports the mapping it was
/// scanning (often line 1, column 1), which sends the user to the wrong line.
/// </summary>
internal static class TabIndentation
{
    /// <summary>The 1-based line and column of the first tab in the leading whitespace of a line at or after <paramref name="fromLine"/>.</summary>
    public static (int Line, int Column)? Find(string text, int fromLine)
    {
        var lines = text.Split('\n');
        for (int i = Math.Max(fromLine, 1) - 1; i < lines.Length; i++)
        {
            string line = lines[i];
            for (int c = 0; c < line.Length && line[c] is ' ' or '\t'; c++)
                if (line[c] == '\t') return (i + 1, c + 1);
        }
        return null;
    }
}
