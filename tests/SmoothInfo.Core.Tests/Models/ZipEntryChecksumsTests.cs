using System.IO.Compression;
using SmoothInfo.Models.Weights;

namespace SmoothInfo.Tests.Models;

/// <summary>
/// The zip walk and CRC-32 check run before libtorch reads a TorchScript archive, against independent twins: .NET's
/// ZipArchive (another zip reader; in .NET 10 it does not check CRC-32 when reading) for where each entry's data is and
/// what its central directory records, and a CRC-32 computed one bit at a time from its definition.
/// </summary>
public sealed class ZipEntryChecksumsTests
{
    private string _folder = "";

    [SetUp]
    public void SetUp() => _folder = Directory.CreateTempSubdirectory("zip-checksums-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    [TestCase(1, false)]
    [TestCase(2, true)]
    [TestCase(3, false)]
    [TestCase(4, true)]
    public void EveryEntryReadsAsZipArchiveReadsIt(int seed, bool streamed)
    {
        var random = new Random(seed);
        var contents = RandomContents(random);
        string path = Write(contents, random, streamed);
        using var file = File.OpenHandle(path);
        var entries = ZipDirectory.Read(file).Entries!;
        Assert.That(entries, Is.Not.Null);
        Assert.That(entries.Select(e => e.Name), Is.EqualTo(contents.Keys));
        Assert.That(entries.Select(e => e.Method).Distinct().Count(), Is.EqualTo(2), "stored and deflated entries both");
        foreach (var entry in entries)
        {
            Assert.That(ZipEntryChecksums.Data(file, entry), Is.EqualTo(contents[entry.Name]).And.EqualTo(ReadWithZipArchive(path, entry.Name)), entry.Name);
            Assert.That(entry.Crc32, Is.EqualTo(BitwiseCrc32(contents[entry.Name])).And.EqualTo(RecordedByZipArchive(path, entry.Name)), entry.Name);
        }
        Assert.That(ZipEntryChecksums.FirstDamaged(file, entries), Is.Null);
    }

    [TestCase(11)]
    [TestCase(12)]
    [TestCase(13)]
    public void AByteChangedInAStoredEntrysDataIsFoundInThatEntryAsZipArchiveFindsIt(int seed)
    {
        var random = new Random(seed);
        var contents = RandomContents(random);
        string path = Write(contents, random, streamed: false, CompressionLevel.NoCompression);
        var bytes = File.ReadAllBytes(path);
        foreach (var (name, content) in contents.Where(c => c.Value.Length > 0))
        {
            // Found by its content, not by the walk under test: random content of 16 bytes and more occurs once.
            int start = bytes.AsSpan().IndexOf(content);
            int at = start + random.Next(content.Length);
            byte original = bytes[at];
            bytes[at] ^= (byte)(1 << random.Next(8));
            File.WriteAllBytes(path, bytes);
            using (var file = File.OpenHandle(path))
            {
                var damaged = ZipEntryChecksums.FirstDamaged(file, ZipDirectory.Read(file).Entries!);
                Assert.That(damaged?.Entry.Name, Is.EqualTo(name));
                Assert.That(damaged!.Value.Problem, Does.StartWith("its data fails its CRC-32 checksum"));
            }
            Assert.That(BitwiseCrc32(ReadWithZipArchive(path, name)), Is.Not.EqualTo(RecordedByZipArchive(path, name)), "ZipArchive's reading agrees");
            bytes[at] = original;
        }
    }

    [Test]
    public void AnEntryWhoseDataRunsPastTheEndOfTheFileIsDamaged()
    {
        var contents = new Dictionary<string, byte[]> { ["a/data.pkl"] = RandomBytes(new Random(5), 300) };
        string path = Write(contents, new Random(5), streamed: false, CompressionLevel.NoCompression);
        var bytes = File.ReadAllBytes(path);
        // The local header's extra field length (offset 28) claims 60,000 bytes: the data would start past the end of the
        // file, though the central directory's own sizes (all miniz checks when opening) fit.
        BitConverter.GetBytes((ushort)60_000).CopyTo(bytes, 28);
        File.WriteAllBytes(path, bytes);
        using var file = File.OpenHandle(path);
        var damaged = ZipEntryChecksums.FirstDamaged(file, ZipDirectory.Read(file).Entries!);
        Assert.That(damaged?.Entry.Name, Is.EqualTo("a/data.pkl"));
        Assert.That(damaged!.Value.Problem, Does.StartWith($"its 300 bytes of data at offset {30 + "a/data.pkl".Length + 60_000} run past the end of the file"));
    }

    // torch.save with set_crc32_options(False) records 0: such an entry is not held to a checksum, one that records it is.
    [Test]
    public void AnEntryRecordedWithoutAChecksumIsNotJudged()
    {
        var entry = ZipDirectoryOf(new Dictionary<string, byte[]> { ["a/data/0"] = RandomBytes(new Random(6), 300) }, out string path).Single();
        using var file = File.OpenHandle(path);

        Assert.That(ZipEntryChecksums.FirstDamaged(file, new[] { entry with { Crc32 = 0 } }), Is.Null);
        Assert.That(ZipEntryChecksums.FirstDamaged(file, new[] { entry with { Crc32 = entry.Crc32 ^ 1 } })?.Entry.Name, Is.EqualTo("a/data/0"));
    }

    private IReadOnlyList<ZipEntryData> ZipDirectoryOf(Dictionary<string, byte[]> contents, out string path)
    {
        path = Write(contents, new Random(6), streamed: false, CompressionLevel.NoCompression);
        using var file = File.OpenHandle(path);
        return ZipDirectory.Read(file).Entries!;
    }

    /// <summary>Eight entries of 0 to 5,000 random bytes; text-like ones (deflate shrinks them) and noise.</summary>
    private static Dictionary<string, byte[]> RandomContents(Random random)
    {
        var contents = new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["archive/empty"] = Array.Empty<byte>() };
        for (int i = 0; i < 7; i++)
        {
            int length = random.Next(16, 5000);
            contents[$"archive/data/{i}"] = i % 2 == 0 ? RandomBytes(random, length)
                : System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, length / 8).Select(k => $"x{random.Next(100):D2} = 1\n")));
        }
        return contents;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// A zip written by ZipArchive, entries alternately stored and deflated (or all at <paramref name="level"/>);
    /// streamed to an unseekable stream, each entry's sizes and CRC follow its data in a data descriptor, as in torch.save's files.
    /// </summary>
    private string Write(Dictionary<string, byte[]> contents, Random random, bool streamed, CompressionLevel? level = null)
    {
        string path = Path.Combine(_folder, $"archive-{random.Next()}.zip");
        using (var output = File.Create(path))
        using (var zip = new ZipArchive(streamed ? new UnseekableStream(output) : output, ZipArchiveMode.Create))
        {
            int i = 0;
            foreach (var (name, content) in contents)
            {
                var entryLevel = level ?? (i++ % 2 == 0 ? CompressionLevel.NoCompression : CompressionLevel.Optimal);
                using var stream = zip.CreateEntry(name, entryLevel).Open();
                stream.Write(content);
            }
        }
        return path;
    }

    private static byte[] ReadWithZipArchive(string path, string name)
    {
        using var zip = ZipFile.OpenRead(path);
        using var stream = zip.GetEntry(name)!.Open();
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static uint RecordedByZipArchive(string path, string name)
    {
        using var zip = ZipFile.OpenRead(path);
        return zip.GetEntry(name)!.Crc32;
    }

    /// <summary>CRC-32 (ISO-HDLC, the zip's) one bit at a time, from its definition: reflected polynomial 0xEDB88320.</summary>
    internal static uint BitwiseCrc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    private sealed class UnseekableStream(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
