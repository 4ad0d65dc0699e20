using System.Text;

namespace SmoothInfo.Data.Csv;

/// <summary>A small CSV read whole as text (an image list, a labels file); big numeric tables use <see cref="CsvDatasetReader"/>.</summary>
internal sealed class CsvTable
{
    private CsvTable(CsvHeader header, IReadOnlyList<(int Line, string[] Fields)> rows)
    {
        Header = header;
        Rows = rows;
    }

    public CsvHeader Header { get; }
    public IReadOnlyList<(int Line, string[] Fields)> Rows { get; }

    public static CsvTable Read(string file, byte delimiter = (byte)',')
    {
        using var stream = DataFiles.OpenRead(file);
        var scanner = new CsvRecordScanner(stream, 1 << 20);
        var records = new List<CsvRecord>();
        CsvHeader? header = null;
        var rows = new List<(int, string[])>();
        while (scanner.NextBlock(records))
        {
            foreach (var record in records)
            {
                var bytes = scanner.Buffer.Span.Slice(record.Start, record.Length);
                if (header is null)
                {
                    header = CsvHeader.Parse(file, bytes, record.Line, delimiter);
                    continue;
                }
                var fields = new List<string>();
                var reader = new CsvFieldReader(bytes, delimiter);
                while (reader.TryNext(out var field)) fields.Add(Encoding.UTF8.GetString(field).Trim());
                if (reader.Error is { } error) throw CsvErrors.Malformed(file, record.Line, reader.Offset + 1, error);
                if (fields.Count != header.Names.Count) throw CsvErrors.ColumnCount(file, record.Line, fields.Count, header);
                rows.Add((record.Line, fields.ToArray()));
            }
        }
        return new CsvTable(header ?? throw CsvErrors.NoHeader(file), rows);
    }
}
