using System.IO.Compression;
using SmoothInfo.Data;
using SmoothInfo.Diagnostics;

namespace SmoothInfo.Tests.Data;

public sealed class IdxDatasetReaderTests : DataFolder
{
    /// <summary>An IDX ubyte file: zero, zero, type 0x08, dimension count, big-endian dimensions, data.</summary>
    private static byte[] Idx(int[] dimensions, byte[] data)
    {
        var bytes = new List<byte> { 0, 0, 0x08, (byte)dimensions.Length };
        foreach (int d in dimensions) bytes.AddRange(new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d });
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    private static byte[] Gzip(byte[] bytes)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }

    private static readonly byte[] Pixels = Enumerable.Range(0, 3 * 2 * 2).Select(i => (byte)(i * 20)).ToArray();

    [TestCase(false)]
    [TestCase(true)]
    public void ReadsImagesAndLabelsPlainOrGzipped(bool gzip)
    {
        Func<byte[], byte[]> encode = gzip ? Gzip : b => b;
        string images = WriteBytes("images-idx3-ubyte.gz", encode(Idx(new[] { 3, 2, 2 }, Pixels)));
        WriteBytes("labels-idx1-ubyte.gz", encode(Idx(new[] { 3 }, new byte[] { 7, 1, 7 })));
        var data = Read("format: idx\npath: images-idx3-ubyte.gz\nlabels: labels-idx1-ubyte.gz");
        Assert.That(data.SampleShape, Is.EqualTo(new[] { 2, 2 }));
        Assert.That(data[1].Features.ToArray(), Is.EqualTo(new[] { 80f, 100f, 120f, 140f }));
        Assert.That(data.ClassNames, Is.EqualTo(new[] { "1", "7" }));
        Assert.That(data.Labels.ToArray(), Is.EqualTo(new[] { 1, 0, 1 }));
        Assert.That(data[2].Locator, Is.EqualTo(SampleLocator.AtIndex(images, 2)));
    }

    [Test]
    public void LabelsIndexDeclaredClassNames()
    {
        WriteBytes("i", Idx(new[] { 3, 2, 2 }, Pixels));
        WriteBytes("l", Idx(new[] { 3 }, new byte[] { 2, 0, 1 }));
        var data = Read("format: idx\npath: i\nlabels: l\nclasses: [shirt, shoe, bag]");
        Assert.That(data.Labels.ToArray(), Is.EqualTo(new[] { 2, 0, 1 }));
        Assert.That(data.ClassNames, Is.EqualTo(new[] { "shirt", "shoe", "bag" }));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void TruncatedFileNamesTheRecordWhereItEnds(bool gzip)
    {
        var bytes = Idx(new[] { 3, 2, 2 }, Pixels)[..^3];
        string images = WriteBytes("i", gzip ? Gzip(bytes) : bytes);
        WriteBytes("l", Idx(new[] { 3 }, new byte[] { 0, 1, 0 }));
        var e = ReadFails("format: idx\npath: i\nlabels: l");
        AssertError(e, ErrorCodes.IdxMalformed, images);
        // A plain file's length shows the truncation from the header; a gzip file's only while decompressing.
        Assert.That(e.Message, Does.Contain(gzip ? "ends inside record 2" : "holds at most 9 bytes").And.Contain("promises 3 records of 4 bytes"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void AHeaderPromisingMoreThanTheFileCanHoldIsRefusedBeforeAllocating(bool gzip)
    {
        // 20,000 records of 1000 x 1000 bytes in a file of a few dozen bytes: the fuzzer saw this allocate 10 GB first.
        var bytes = Idx(new[] { 20_000, 1000, 1000 }, Pixels);
        string images = WriteBytes("i", gzip ? Gzip(bytes) : bytes);
        WriteBytes("l", Idx(new[] { 20_000 }, new byte[20_000]));
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var e = ReadFails("format: idx\npath: i\nlabels: l");
        Assert.That(GC.GetTotalAllocatedBytes(precise: true) - before, Is.LessThan(64L << 20));
        AssertError(e, ErrorCodes.IdxMalformed, images);
        Assert.That(e.Message, Does.Contain("promises 20000 records of 1000000 bytes"));
    }

    [Test]
    public void TruncatedHeader()
    {
        string images = WriteBytes("i", Idx(new[] { 3, 2, 2 }, Pixels)[..9]);
        WriteBytes("l", Idx(new[] { 3 }, new byte[] { 0, 1, 0 }));
        var e = ReadFails("format: idx\npath: i\nlabels: l");
        AssertError(e, ErrorCodes.IdxMalformed, images);
        Assert.That(e.Message, Does.Contain("ends inside its header"));
    }

    [Test]
    public void NotAnIdxFile()
    {
        string images = WriteText("i", "x,label\n1,a\n");
        WriteBytes("l", Idx(new[] { 1 }, new byte[] { 0 }));
        var e = ReadFails("format: idx\npath: i\nlabels: l");
        AssertError(e, ErrorCodes.IdxMalformed, images);
        Assert.That(e.Message, Does.Contain("not an IDX file"));
    }

    [Test]
    public void CorruptGzipIsAnInputError()
    {
        var gz = Gzip(Idx(new[] { 3, 2, 2 }, Pixels));
        for (int i = 10; i < gz.Length - 8; i++) gz[i] ^= 0x5A;
        string images = WriteBytes("i", gz);
        WriteBytes("l", Idx(new[] { 3 }, new byte[] { 0, 1, 0 }));
        var e = ReadFails("format: idx\npath: i\nlabels: l");
        AssertError(e, ErrorCodes.IdxMalformed, images);
    }

    [Test]
    public void LabelCountMustMatchImageCount()
    {
        WriteBytes("i", Idx(new[] { 3, 2, 2 }, Pixels));
        string labels = WriteBytes("l", Idx(new[] { 2 }, new byte[] { 0, 1 }));
        var e = ReadFails("format: idx\npath: i\nlabels: l");
        AssertError(e, ErrorCodes.ShapeInconsistent, labels);
        Assert.That(e.Message, Does.Contain("2 labels").And.Contain("3 records"));
    }

    [Test]
    public void DatasetOverTheBudgetIsRefusedFromTheHeader()
    {
        string images = WriteBytes("i", Idx(new[] { 3, 2, 2 }, Pixels));
        WriteBytes("l", Idx(new[] { 3 }, new byte[] { 0, 1, 0 }));
        var e = ReadFails("format: idx\npath: i\nlabels: l", maxSamples: 2);
        AssertError(e, ErrorCodes.DatasetTooLarge, images);
        Assert.That(e.Message, Does.Contain("has 3 samples").And.Contain("allows 2"));
    }

    [Test]
    public void HeaderDeclaringImpossiblyLargeRecordsIsMalformedNotACrash()
    {
        string images = WriteBytes("i", Idx(new[] { 1, 100_000, 100_000 }, Pixels));
        WriteBytes("l", Idx(new[] { 1 }, new byte[] { 0 }));
        var e = ReadFails("format: idx\npath: i\nlabels: l");
        AssertError(e, ErrorCodes.IdxMalformed, images);
        Assert.That(e.Message, Does.Contain("shape (100000, 100000)"));
    }

    [Test]
    public void EmptyIdxIsAnEmptyDataset()
    {
        string images = WriteBytes("i", Idx(new[] { 0, 2, 2 }, Array.Empty<byte>()));
        WriteBytes("l", Idx(new[] { 0 }, Array.Empty<byte>()));
        AssertError(ReadFails("format: idx\npath: i\nlabels: l"), ErrorCodes.DatasetEmpty, images);
    }

    [Test]
    public void LabelOutsideTheDeclaredClassesNamesTheRecord()
    {
        string images = WriteBytes("i", Idx(new[] { 3, 2, 2 }, Pixels));
        WriteBytes("l", Idx(new[] { 3 }, new byte[] { 0, 9, 1 }));
        var e = ReadFails("format: idx\npath: i\nlabels: l\nclasses: [a, b]");
        AssertError(e, ErrorCodes.LabelUnknown, images);
        Assert.That(e.Message, Does.Contain($"{images}[1]").And.Contain("'9'"));
    }
}
