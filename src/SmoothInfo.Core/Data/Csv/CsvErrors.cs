using SmoothInfo.Diagnostics;

namespace SmoothInfo.Data.Csv;

/// <summary>The CSV input errors, worded once for the numeric reader and the text-table reader.</summary>
internal static class CsvErrors
{
    public static InputException Malformed(string file, int line, int column, string problem) => new(ErrorCodes.CsvMalformedRow,
        $"the row is malformed: {problem}.", "quote fields that contain the delimiter, quotes or line breaks (RFC 4180).", new SourceLocation(file, line, column));

    public static InputException ColumnCount(string file, int line, int found, CsvHeader header) => new(ErrorCodes.CsvColumnCount,
        $"the row has {found} field(s); the header (line {header.Line}) has {header.Names.Count} columns, so {header.Names.Count} are expected.",
        "add the missing fields or remove the extra ones; a field containing the delimiter must be quoted.", new SourceLocation(file, line, 1));

    public static InputException NoHeader(string file) => new(ErrorCodes.DatasetEmpty,
        "the file is empty; a header row naming the columns, then one row per sample, is expected.",
        "write a header row (e.g. 'x1,x2,label') followed by the data.", new SourceLocation(file));
}
