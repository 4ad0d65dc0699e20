using System.Text;
using SmoothInfo.Data.Csv;

namespace SmoothInfo.Tests.Data;

public sealed class CsvRecordScannerTests
{
    [TestCase(4)]
    [TestCase(7)]
    [TestCase(1 << 16)]
    public void RecordsAndLinesAreTheSameWhateverTheBlockSize(int blockSize)
    {
        const string csv = "a,b\n\"x\ny\",1\n\n22,333\r\n4,5";
        var scanner = new CsvRecordScanner(new MemoryStream(Encoding.UTF8.GetBytes(csv)), blockSize);
        var records = new List<CsvRecord>();
        var found = new List<(string, int)>();
        while (scanner.NextBlock(records))
            found.AddRange(records.Select(r => (Encoding.UTF8.GetString(scanner.Buffer.Span.Slice(r.Start, r.Length)), r.Line)));
        Assert.That(found, Is.EqualTo(new[] { ("a,b", 1), ("\"x\ny\",1", 2), ("22,333", 5), ("4,5", 6) }));
    }
}
