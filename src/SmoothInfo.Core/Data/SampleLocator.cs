using SmoothInfo.Diagnostics;

namespace SmoothInfo.Data;

/// <summary>
/// Where a sample lives, for every diagnostic about it: the file and line of a CSV row, the image file,
/// or the file and 0-based index of a record in an IDX or NPY array.
/// </summary>
public sealed record SampleLocator(string File, int Line = 0, long Index = -1)
{
    public static SampleLocator AtLine(string file, int line) => new(file, Line: line);
    public static SampleLocator AtIndex(string file, long index) => new(file, Index: index);

    /// <summary>The IDE form used in diagnostics; an index has no line, so it is written after the file.</summary>
    public SourceLocation ToSourceLocation() => new(File, Line);

    public override string ToString() => Line > 0 ? $"{File}({Line})" : Index >= 0 ? $"{File}[{Index}]" : File;
}
