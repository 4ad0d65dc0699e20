namespace SmoothInfo.Diagnostics;

/// <summary>Where a diagnostic points: a file, and a 1-based line and column when known.</summary>
public sealed record SourceLocation(string File, int Line = 0, int Column = 0)
{
    /// <summary>The MSBuild/IDE form: <c>file(line,col)</c>, or just the file.</summary>
    public override string ToString() => Line > 0 ? $"{File}({Line},{Math.Max(Column, 1)})" : File;
}
