using System.Text;
using SmoothInfo.Diagnostics;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Models.Weights;
using SmoothInfo.Policy.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Models;

public sealed class SafetensorsFileTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("safetensors-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    /// <summary>The format written by hand from its specification, so that reading is not tested against our own writer only.</summary>
    private string WriteFile(string name, string headerJson, byte[] data, long? claimedHeaderLength = null)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new List<byte>();
        bytes.AddRange(BitConverter.GetBytes(claimedHeaderLength ?? header.Length));
        bytes.AddRange(header);
        bytes.AddRange(data);
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes.ToArray());
        return path;
    }

    private static byte[] Bytes(params double[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    private static byte[] Bytes(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    /// <summary>A state_dict as safetensors.torch.save_file writes it (float64 here), offsets in name order.</summary>
    private string Save(string name, IEnumerable<(string Name, Tensor Value)> tensors)
    {
        var entries = new List<string>();
        var data = new List<byte>();
        foreach (var (key, value) in tensors.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var values = value.contiguous().to_type(float64).data<double>().ToArray();
            entries.Add($"\"{key}\":{{\"dtype\":\"F64\",\"shape\":[{string.Join(",", value.shape)}],\"data_offsets\":[{data.Count},{data.Count + values.Length * 8}]}}");
            data.AddRange(Bytes(values));
        }
        return WriteFile(name, "{\"__metadata__\":{\"format\":\"pt\"}," + string.Join(",", entries) + "}", data.ToArray());
    }

    [Test]
    public void ReadsTensorsOfEachFloatTypeAtTheirOffsets()
    {
        string path = WriteFile("a.safetensors",
            "{\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[32,44]},\"a\":{\"dtype\":\"F64\",\"shape\":[2,2],\"data_offsets\":[0,32]}}",
            Bytes(1.5, -2.0, 3.25, 4.0).Concat(Bytes(0.5f, 6f, -7f)).ToArray());
        var tensors = SafetensorsFile.Read(path);
        Assert.That(tensors["a"].shape, Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(tensors["a"].data<double>().ToArray(), Is.EqualTo(new[] { 1.5, -2.0, 3.25, 4.0 }));
        Assert.That(tensors["b"].dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(tensors["b"].data<float>().ToArray(), Is.EqualTo(new[] { 0.5f, 6f, -7f }));
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Test]
    public void TrainedWeightsLoadIntoTheDeclaredArchitectureAndGiveItsKernel()
    {
        var spec = new CnnSpec(2, 8, 8, new[] { 3 }, 4, Activation.Relu);
        using var trained = ProbeNetworks.Build(spec, seed: 21);
        string path = Save("cnn.safetensors", trained.named_parameters().Select(p => (p.name, (Tensor)p.parameter)));
        using var declared = ProbeNetworks.Build(spec, seed: 99);
        NetworkWeights.Load(declared, path);
        foreach (var (a, b) in trained.parameters().Zip(declared.parameters()))
            Assert.That(a.eq(b).all().item<bool>(), Is.True);
        using var x = randn(4, 2, 8, 8, float64);
        using var expected = EmpiricalNtk.Train(trained, x);
        using var actual = EmpiricalNtk.Train(declared, x);
        Assert.That(actual.eq(expected).all().item<bool>(), Is.True);
    }

    [Test]
    public void MissingUnexpectedAndMisshapenTensorsAreNamed()
    {
        var spec = new MlpSpec(3, new[] { 2 }, 2, Activation.Tanh);
        using var network = ProbeNetworks.Build(spec, seed: 1);
        var all = network.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).ToList();

        var e = Assert.Throws<InputException>(() => NetworkWeights.Load(network, Save("m.safetensors", all.Where(p => p.name != "2.bias"))))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.WeightsDoNotMatchNetwork));
        Assert.That(e.Message, Does.Contain("missing 2.bias"));

        e = Assert.Throws<InputException>(() => NetworkWeights.Load(network, Save("u.safetensors", all.Append(("head.weight", ones(1, float64))))))!;
        Assert.That(e.Message, Does.Contain("not in the network head.weight"));

        e = Assert.Throws<InputException>(() => NetworkWeights.Load(network,
            Save("s.safetensors", all.Select(p => p.name == "0.weight" ? (p.name, zeros(3, 2, float64)) : p))))!;
        Assert.That(e.Message, Does.Contain("'0.weight' has shape (3, 2)").And.Contain("(2, 3)"));
    }

    /// <summary>The file with the '~' in its header replaced by 0xFF, a byte UTF-8 never uses.</summary>
    private static string NameNotUtf8(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[Array.IndexOf(bytes, (byte)'~')] = 0xFF;
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Test]
    public void MalformedFilesAreInputErrorsNamingTheFile()
    {
        var cases = new (string Path, string Expected)[]
        {
            (TruncateTo(WriteFile("short.safetensors", "", Array.Empty<byte>()), 5), "fewer than the 8-byte"),
            (WriteFile("huge.safetensors", "{}", Array.Empty<byte>(), claimedHeaderLength: 1L << 40), "header claims"),
            (WriteFile("json.safetensors", "{\"a\":", Array.Empty<byte>()), "not valid JSON"),
            (WriteFile("dtype.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[1]), "dtype 'U8'"),
            (WriteFile("past.safetensors", "{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}", new byte[8]), "truncated"),
            (WriteFile("size.safetensors", "{\"a\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,16]}}", new byte[16]), "needs 24 bytes"),
            (WriteFile("overlap.safetensors",
                "{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}",
                new byte[16]), "overlap"),
            (WriteFile("fields.safetensors", "{\"a\":{\"dtype\":\"F64\"}}", Array.Empty<byte>()), "lacks a valid"),
            // Found by the fuzzer (docs/robustness.md): both escaped as ArgumentException and InvalidOperationException.
            (WriteFile("twice.safetensors",
                "{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}",
                new byte[16]), "'a' appears twice"),
            (NameNotUtf8(WriteFile("utf8.safetensors", "{\"a~\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8])), "not valid UTF-8"),
        };
        foreach (var (path, expected) in cases)
        {
            var e = Assert.Throws<InputException>(() => SafetensorsFile.Read(path), path)!;
            Assert.That(e.Code, Is.EqualTo(ErrorCodes.WeightsMalformed), path);
            Assert.That(e.Message, Does.Contain(expected), path);
            Assert.That(e.Location!.File, Is.EqualTo(path));
        }
    }

    private static string TruncateTo(string path, int length)
    {
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..length]);
        return path;
    }

    [Test]
    public void WrittenTensorsReadBackExactly()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("safetensors-").FullName, "t.safetensors");
        var written = new Dictionary<string, Tensor>
        {
            ["b.weight"] = randn(3, 4, float64), ["a.bias"] = randn(5, float32), ["n"] = tensor(7L), ["empty"] = zeros(0, 2, float32),
        };
        SafetensorsFile.Write(path, written);
        var read = SafetensorsFile.Read(path);
        Assert.That(read.Keys, Is.EquivalentTo(written.Keys));
        foreach (var (name, tensor) in written)
        {
            Assert.That(read[name].dtype, Is.EqualTo(tensor.dtype), name);
            Assert.That(read[name].shape, Is.EqualTo(tensor.shape), name);
            Assert.That(read[name].eq(tensor).all().item<bool>(), Is.True, name);
        }
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }
}
