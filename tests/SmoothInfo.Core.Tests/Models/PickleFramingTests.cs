using System.Buffers.Binary;
using SmoothInfo.Models.Weights;
using SmoothInfo.Tests.Fuzz;

namespace SmoothInfo.Tests.Models;

/// <summary>The framing check run on TorchScript archives before libtorch allocates what their length fields claim.</summary>
public sealed class PickleFramingTests
{
    private static readonly string Fixtures = Path.Combine(TestContext.CurrentContext.TestDirectory, "Models", "Fixtures");
    private static readonly string Script = Path.Combine(Fixtures, "mlp_3_4_2_script.pt");

    [TestCase("mlp_3_4_2_script.pt", "/data.pkl")]
    [TestCase("mlp_3_4_2_script.pt", "/constants.pkl")]
    [TestCase("mlp_3_4_2.pt", "/data.pkl")]
    public void PicklesPyTorchWroteAreSound(string file, string entry) =>
        Assert.That(PickleFraming.Problem(FuzzSeeds.ZipEntry(Path.Combine(Fixtures, file), entry)), Is.Null);

    [Test]
    public void ALengthBeyondThePickleIsNamedWithItsOffset()
    {
        var pickle = Pickle();
        int at = BinUnicodeOffset(pickle);
        BinaryPrimitives.WriteUInt32LittleEndian(pickle.AsSpan(at + 1), 0xFF000001);
        Assert.That(PickleFraming.Problem(pickle), Does.StartWith($"the opcode at offset {at} claims 4278190085 bytes of argument"));
    }

    [Test]
    public void AMemoIndexNoPicklerWritesIsRefused()
    {
        // BINPUT 0 is the first opcode after the class; a LONG_BINPUT of 2^32 - 1 in its place would size libtorch's memo table.
        var pickle = Pickle();
        int at = Array.IndexOf(pickle, (byte)'q');
        var damaged = pickle[..at].Concat(new byte[] { (byte)'r', 0xFF, 0xFF, 0xFF, 0xFF }).Concat(pickle[(at + 2)..]).ToArray();
        Assert.That(PickleFraming.Problem(damaged), Does.Contain("stores memo entry 4294967295, but only 0 came before it"));
    }

    [Test]
    public void TruncationAndForeignBytesAreRefused()
    {
        var pickle = Pickle();
        Assert.That(PickleFraming.Problem(pickle[..^1]), Is.EqualTo("the pickle ends without its STOP opcode"));
        Assert.That(PickleFraming.Problem(pickle[..(BinUnicodeOffset(pickle) + 3)]), Does.EndWith("is cut off by the end of the pickle"));
        Assert.That(PickleFraming.Problem(new byte[] { 0x80, 0x02, 0xff, (byte)'.' }), Is.EqualTo("byte 0xff at offset 2 is not a pickle opcode"));
    }

    [Test]
    public void AnArchiveWithAnUnsoundPickleIsRefusedBeforeLibtorchReadsIt()
    {
        var pickle = Pickle();
        BinaryPrimitives.WriteUInt32LittleEndian(pickle.AsSpan(BinUnicodeOffset(pickle) + 1), 0xFF000001);
        Assert.That(TorchScriptWeightsTests.RefusalWithEntry("/data.pkl", pickle),
            Does.Contain("data.pkl' in the archive is not a sound pickle: the opcode at offset"));
    }

    private static byte[] Pickle() => FuzzSeeds.ZipEntry(Script, "/data.pkl");

    /// <summary>The first BINUNICODE ('X', 4-byte length): the attribute name "training" in the fixture.</summary>
    private static int BinUnicodeOffset(byte[] pickle)
    {
        int at = Array.IndexOf(pickle, (byte)'X');
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(pickle.AsSpan(at + 1)), Is.EqualTo(8), "the fixture's first BINUNICODE is 'training'");
        return at;
    }
}
