using System.IO.Compression;
using System.Text;
using SmoothInfo.Diagnostics;
using SmoothInfo.Models;
using SmoothInfo.Models.Weights;
using SmoothInfo.Policy.Model;
using SmoothInfo.Tests.Fuzz;
using static TorchSharp.torch;
using Activation = SmoothInfo.Policy.Model.Activation;

namespace SmoothInfo.Tests.Models;

/// <summary>
/// torch.save files. The fixtures are written by Fixtures/make_fixtures.py with Python's pickle and stub torch classes
/// (PyTorch is not installed here), so the reader is tested against the pickler torch itself uses, not against ours.
/// </summary>
public sealed class StateDictFileTests
{
    private static readonly string Fixtures = Path.Combine(TestContext.CurrentContext.TestDirectory, "Models", "Fixtures");
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("state-dict-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static string Fixture(string name) => Path.Combine(Fixtures, name);

    /// <summary>The generator's values: multiples of 1/8, exact in float16 and bfloat16.</summary>
    private static double Value(int i) => i % 29 / 8.0 - 1.5;

    [Test]
    public void ReadsEachFloatTypeThroughContiguousOffsetAndTransposedViews()
    {
        var tensors = TorchStateDictFile.Read(Fixture("mlp_3_4_2.pt"));
        try
        {
            Assert.That(tensors.Keys, Is.EqualTo(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }));
            Assert.That(tensors["0.weight"].dtype, Is.EqualTo(ScalarType.Float32));
            Assert.That(tensors["0.bias"].dtype, Is.EqualTo(ScalarType.Float64));
            Assert.That(tensors["2.weight"].dtype, Is.EqualTo(ScalarType.Float16));
            Assert.That(tensors["2.bias"].dtype, Is.EqualTo(ScalarType.BFloat16));
            Assert.That(Values(tensors["0.weight"]), Is.EqualTo(Enumerable.Range(0, 12).Select(Value)));
            Assert.That(Values(tensors["0.bias"]), Is.EqualTo(Enumerable.Range(100, 4).Select(Value)));  // after 2 skipped elements
            // Stored as W^T (4 x 2) row-major and viewed with stride (1, 2): W[i, j] is element 2 j + i.
            Assert.That(tensors["2.weight"].shape, Is.EqualTo(new long[] { 2, 4 }));
            Assert.That(Values(tensors["2.weight"]),
                Is.EqualTo(from i in Enumerable.Range(0, 2) from j in Enumerable.Range(0, 4) select Value(200 + 2 * j + i)));
            Assert.That(Values(tensors["2.bias"]), Is.EqualTo(new[] { Value(300), Value(301) }));
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    [Test]
    public void ReadsInt64ZeroDimensionalAndSharedStorages()
    {
        var tensors = TorchStateDictFile.Read(Fixture("kinds.pt"));
        Assert.That(tensors["steps"].dtype, Is.EqualTo(ScalarType.Int64));
        Assert.That(tensors["steps"].data<long>().ToArray(), Is.EqualTo(new[] { -1L, 1L << 40, 7L }));
        Assert.That(tensors["scalar"].shape, Is.Empty);
        Assert.That(tensors["scalar"].item<double>(), Is.EqualTo(3.5));
        Assert.That(tensors["pair"].data<double>().ToArray(), Is.EqualTo(new[] { 0.5, 2.5 }));
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Test]
    public void LoadsIntoTheDeclaredArchitectureDetectedByContent()
    {
        string renamed = Path.Combine(_dir, "weights.bin");  // the format comes from the content, not the extension
        File.Copy(Fixture("mlp_3_4_2.pt"), renamed);
        Assert.That(NetworkWeights.Detect(renamed), Is.EqualTo(WeightsFormat.StateDict));
        using var network = ProbeNetworks.Build(new MlpSpec(3, new[] { 4 }, 2, Activation.Relu), seed: 5);
        NetworkWeights.Load(network, renamed);
        var parameters = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.That(Values(parameters["0.weight"]), Is.EqualTo(Enumerable.Range(0, 12).Select(Value)));
        Assert.That(Values(parameters["2.bias"]), Is.EqualTo(new[] { Value(300), Value(301) }));
        Assert.That(parameters["2.weight"].dtype, Is.EqualTo(ScalarType.Float64));
    }

    [Test]
    public void AMissingFileIsAnInputErrorWhateverTheFormat()
    {
        using var network = ProbeNetworks.Build(new MlpSpec(3, new[] { 4 }, 2, Activation.Relu), seed: 5);
        foreach (var format in Enum.GetValues<WeightsFormat>())
        {
            var e = Assert.Throws<InputException>(() => NetworkWeights.Load(network, Path.Combine(_dir, "none.pt"), format))!;
            Assert.That(e.Code, Is.EqualTo(ErrorCodes.FileNotFound), format.ToString());
        }
    }

    [Test]
    public void WrongShapesAreNamed()
    {
        using var network = ProbeNetworks.Build(new MlpSpec(3, new[] { 5 }, 2, Activation.Relu), seed: 5);
        var e = Assert.Throws<InputException>(() => NetworkWeights.Load(network, Fixture("mlp_3_4_2.pt"), WeightsFormat.StateDict))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.WeightsDoNotMatchNetwork));
        Assert.That(e.Message, Does.Contain("'0.weight' has shape (4, 3) in the weights but (5, 3)"));
    }

    // ZipArchive checks no CRC: without the check a changed storage byte loaded as a different weight.
    [Test]
    public void AStorageWhoseDataFailsItsChecksumIsRefusedNamingTheEntry()
    {
        string damaged = Path.Combine(_dir, "damaged.pt");
        var bytes = File.ReadAllBytes(Fixture("mlp_3_4_2.pt"));
        var content = FuzzSeeds.ZipEntry(Fixture("mlp_3_4_2.pt"), "/data/0");
        bytes[bytes.AsSpan().IndexOf(content) + content.Length - 1] ^= 0x10;
        File.WriteAllBytes(damaged, bytes);

        var e = Assert.Throws<InputException>(() => TorchStateDictFile.Read(damaged))!;

        Assert.That(e.Code, Is.EqualTo(ErrorCodes.WeightsMalformed));
        Assert.That(e.Message, Does.Contain("the archive's entry 'mlp_3_4_2/data/0' is damaged: its data fails its CRC-32 checksum"));
        Assert.That(e.Location!.File, Is.EqualTo(damaged));
    }

    [Test]
    public void APickleThatWouldRunAShellCommandIsRefusedNamingTheGlobal()
    {
        string path = Fixture("malicious.pt");
        using var network = ProbeNetworks.Build(new MlpSpec(3, new[] { 4 }, 2, Activation.Relu), seed: 5);
        var e = Assert.Throws<InputException>(() => NetworkWeights.Load(network, path))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.WeightsMalformed));
        Assert.That(e.Message, Does.Contain("'posix.system'"));  // os.system pickles as posix.system on Linux
        Assert.That(e.Location!.File, Is.EqualTo(path));
        Assert.That(e.Fix, Does.Contain("torch.save(model.state_dict(), path)"));
    }

    [Test]
    public void ACheckpointIsNotTakenForAStateDict()
    {
        var e = Assert.Throws<InputException>(() => TorchStateDictFile.Read(Fixture("checkpoint.pt")))!;
        Assert.That(e.Message, Does.Contain("'model' is a dict, not a tensor"));
    }

    /// <summary>Pickle bodies after PROTO 2, as Latin-1 strings; named explicitly because NUnit drops cases whose
    /// generated names hold control characters.</summary>
    private static IEnumerable<TestCaseData> OutsideTheSubset() => new (string Name, string Body, string Expected)[]
    {
        ("GlobalEval", "cbuiltins\neval\n", "'builtins.eval'"),
        ("StackGlobalExec", "\u008c\u0008builtins\u008c\u0004exec\u0093", "'builtins.exec'"),  // protocol 4's STACK_GLOBAL
        ("RebuildWithoutArguments", "ctorch._utils\n_rebuild_tensor_v2\n)R.", "called with ()"),
        ("TextProtocolInt", "I1\n.", "opcode 0x49 ('I')"),                             // protocol 0: not torch's
        ("Truncated", "}(X\u0001\u0000\u0000\u0000a", "ends in the middle"),
        ("UnwrittenMemo", "}h\u0005.", "memo entry 5 is read before it is written"),
        ("PersistentIdWithoutLocation",
            "}(X\u0001\u0000\u0000\u0000a(X\u0007\u0000\u0000\u0000storagectorch\nFloatStorage\nX\u0001\u0000\u0000\u00000K\u0002tQ.", "persistent id"),
    }.Select(c => new TestCaseData(c.Body, c.Expected).SetName($"RefusesPickle{c.Name}"));

    [TestCaseSource(nameof(OutsideTheSubset))]
    public void HandWrittenPicklesOutsideTheStateDictSubsetAreRefused(string body, string expected)
    {
        var pickle = new byte[] { 0x80, 0x02 }.Concat(body.Select(c => (byte)c)).ToArray();
        var e = Assert.Throws<InputException>(() => StateDictPickle.Parse(pickle, "w.pt"))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.WeightsMalformed));
        Assert.That(e.Message, Does.Contain(expected));
        Assert.That(e.Location!.File, Is.EqualTo("w.pt"));
    }

    [Test]
    public void ViewsPastTheirStorageAndTruncatedStoragesAreRefused()
    {
        // The size (4, 3) of 0.weight, BININT1 4 BININT1 3 TUPLE2, becomes (5, 3): 15 elements of a 12-element storage.
        string past = Rewrite("past.pt", pickle: p => Replace(p, "K\u0004K\u0003\u0086", "K\u0005K\u0003\u0086"));
        Assert.That(Assert.Throws<InputException>(() => TorchStateDictFile.Read(past))!.Message,
            Does.Contain("reaches element 14 of storage '0', which has 12"));

        string truncated = Rewrite("truncated.pt", storage0: b => b[..^4]);
        Assert.That(Assert.Throws<InputException>(() => TorchStateDictFile.Read(truncated))!.Message,
            Does.Contain("storage '0' declares 12 elements of Float32 (48 bytes), but mlp_3_4_2/data/0 has 44 bytes"));
    }

    [Test]
    public void LegacyAndTorchScriptFilesAreToldApart()
    {
        string legacy = Path.Combine(_dir, "legacy.pt");  // torch.save before 1.6 starts with a pickled magic number
        File.WriteAllBytes(legacy, new byte[] { 0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e });
        Assert.That(NetworkWeights.Detect(legacy), Is.EqualTo(WeightsFormat.StateDict));
        Assert.That(Assert.Throws<InputException>(() => TorchStateDictFile.Read(legacy))!.Message, Does.Contain("before PyTorch 1.6"));

        // A safetensors header of 128 + 256 m bytes starts with 0x80 too; its '{' after the length tells it apart.
        string safetensors = Path.Combine(_dir, "w.safetensors");
        File.WriteAllBytes(safetensors, BitConverter.GetBytes(128L).Concat(Encoding.ASCII.GetBytes("{" + new string(' ', 126) + "}")).ToArray());
        Assert.That(NetworkWeights.Detect(safetensors), Is.EqualTo(WeightsFormat.Safetensors));

        string script = Rewrite("script.pt", extra: "constants.pkl");
        Assert.That(NetworkWeights.Detect(script), Is.EqualTo(WeightsFormat.Torchscript));
        Assert.That(Assert.Throws<InputException>(() => TorchStateDictFile.Read(script))!.Message,
            Does.Contain("weightsFormat: torchscript"));
    }

    [Test]
    public void ADamagedZipDirectoryIsAnInputError()
    {
        // Found by the fuzzer: ZipArchive reads its directory lazily, so this escaped as InvalidDataException (exit 3).
        var bytes = File.ReadAllBytes(Fixture("mlp_3_4_2.pt"));
        int end = bytes.Length - 22; // the end-of-central-directory record, without a comment
        Assert.That(BitConverter.ToUInt32(bytes, end), Is.EqualTo(0x06054b50u), "the fixture ends with the zip's end record");
        bytes[end + 8]++; // the number of entries (on this disk, and in all) no longer matches the directory
        bytes[end + 10]++;
        string path = Path.Combine(_dir, "directory.pt");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InputException>(() => TorchStateDictFile.Read(path))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.WeightsMalformed));
        Assert.That(e.Message, Does.Contain("zip directory is damaged"));
        Assert.That(e.Location!.File, Is.EqualTo(path));
    }

    /// <summary>The MLP fixture with its pickle, its first storage or an extra entry changed.</summary>
    private string Rewrite(string name, Func<byte[], byte[]>? pickle = null, Func<byte[], byte[]>? storage0 = null, string? extra = null)
    {
        string path = Path.Combine(_dir, name);
        using (var source = ZipFile.OpenRead(Fixture("mlp_3_4_2.pt")))
        using (var target = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var entry in source.Entries)
            {
                using var input = entry.Open();
                using var buffer = new MemoryStream();
                input.CopyTo(buffer);
                var bytes = buffer.ToArray();
                if (entry.FullName.EndsWith("/data.pkl") && pickle is not null) bytes = pickle(bytes);
                if (entry.FullName.EndsWith("/data/0") && storage0 is not null) bytes = storage0(bytes);
                using var output = target.CreateEntry(entry.FullName, CompressionLevel.NoCompression).Open();
                output.Write(bytes);
            }
            if (extra is not null) target.CreateEntry("mlp_3_4_2/" + extra).Open().Dispose();
        }
        return path;
    }

    private static byte[] Replace(byte[] bytes, string from, string to)
    {
        var text = Encoding.Latin1.GetString(bytes);
        Assert.That(text, Does.Contain(from));
        return Encoding.Latin1.GetBytes(text.Replace(from, to));
    }

    private static double[] Values(Tensor t) => t.detach().to_type(ScalarType.Float64).data<double>().ToArray();
}
