using SmoothInfo.Data.Npy;
using SmoothInfo.Diagnostics;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Data;

public sealed class NpyFileTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("npy-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [TestCase(ScalarType.Float64)]
    [TestCase(ScalarType.Float32)]
    public void RoundTripKeepsShapeDtypeAndValues(ScalarType dtype)
    {
        using var generator = new Generator().manual_seed(1);
        var original = randn(new long[] { 7, 3, 5 }, dtype: dtype, generator: generator);
        string path = Path.Combine(_dir, "a.npy");
        NpyFile.Write(path, original);
        using var read = NpyFile.Read(path);
        Assert.That(read.shape, Is.EqualTo(new long[] { 7, 3, 5 }));
        Assert.That(read.dtype, Is.EqualTo(dtype));
        Assert.That(read.eq(original).all().item<bool>(), Is.True);
    }

    [Test]
    public void ReadsTheExactBytesNumpyWrites()
    {
        // numpy.save(np.array([[1.5, -2.0], [3.25, 4.0]])) byte for byte: a version 1.0 header, data aligned to 64 bytes.
        string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
        header += new string(' ', (64 - (10 + header.Length + 1) % 64) % 64) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0 };
        bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(header));
        foreach (double v in new[] { 1.5, -2.0, 3.25, 4.0 }) bytes.AddRange(BitConverter.GetBytes(v));
        string path = Path.Combine(_dir, "numpy.npy");
        File.WriteAllBytes(path, bytes.ToArray());

        using var read = NpyFile.Read(path);
        Assert.That(read.data<double>().ToArray(), Is.EqualTo(new[] { 1.5, -2.0, 3.25, 4.0 }));
        Assert.That(read.shape, Is.EqualTo(new long[] { 2, 2 }));
    }

    [Test]
    public void TruncatedFileNamesTheFileAndWhatIsMissing()
    {
        string path = Path.Combine(_dir, "t.npy");
        NpyFile.Write(path, ones(10, 10, dtype: float64));
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..200]);
        var e = Assert.Throws<InputException>(() => NpyFile.Read(path))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.NpyMalformed));
        Assert.That(e.Location!.File, Is.EqualTo(path));
        Assert.That(e.Message, Does.Contain("truncated"));
    }

    [Test]
    public void IntegerDtypeIsRejectedWithTheConversionToUse()
    {
        string path = Path.Combine(_dir, "i.npy");
        NpyFile.Write(path, ones(2, dtype: float64));
        var text = File.ReadAllBytes(path);
        int at = System.Text.Encoding.ASCII.GetString(text).IndexOf("<f8", StringComparison.Ordinal);
        text[at + 1] = (byte)'i';
        File.WriteAllBytes(path, text);
        var e = Assert.Throws<InputException>(() => NpyFile.Read(path))!;
        Assert.That(e.Message, Does.Contain("'<i8'"));
        Assert.That(e.Fix, Does.Contain("astype"));
    }

    [Test]
    public void MissingFileIsAnInputError()
    {
        var e = Assert.Throws<InputException>(() => NpyFile.Read(Path.Combine(_dir, "none.npy")))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.FileNotFound));
    }

    [Test]
    public void NotAnNpyFile()
    {
        string path = Path.Combine(_dir, "x.npy");
        File.WriteAllText(path, "a,b\n1,2\n");
        var e = Assert.Throws<InputException>(() => NpyFile.Read(path))!;
        Assert.That(e.Message, Does.Contain("not a NumPy .npy file"));
    }
}
