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
/// The legacy TorchScript route. TorchSharp cannot script or trace a module and PyTorch is not installed, so the
/// fixture is a torch.jit.save archive written by Fixtures/make_fixtures.py: TorchScript source for the classes and the
/// module objects pickled as libtorch's own pickler writes them.
/// </summary>
public sealed class TorchScriptWeightsTests
{
    private static readonly string Fixtures = Path.Combine(TestContext.CurrentContext.TestDirectory, "Models", "Fixtures");
    private static readonly string Script = Path.Combine(Fixtures, "mlp_3_4_2_script.pt");

    [Test]
    public void ParametersOfAScriptModuleLoadIntoTheDeclaredArchitecture()
    {
        Assert.That(NetworkWeights.Detect(Script), Is.EqualTo(WeightsFormat.Torchscript));
        using var network = ProbeNetworks.Build(new MlpSpec(3, new[] { 4 }, 2, Activation.Relu), seed: 5);
        NetworkWeights.Load(network, Script);
        var parameters = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        double Value(int i) => i % 29 / 8.0 - 1.5;
        Assert.That(parameters["0.weight"].detach().data<double>().ToArray(), Is.EqualTo(Enumerable.Range(400, 12).Select(Value)));
        Assert.That(parameters["2.bias"].detach().data<double>().ToArray(), Is.EqualTo(Enumerable.Range(700, 2).Select(Value)));

        // The script module's own forward (relu between the layers) agrees with the declared network's.
        using var module = jit.load(Script);
        using var x = randn(5, 3, float32);
        using var expected = ((Tensor)module.call(x)).to_type(float64);
        using var actual = network.forward(x.to_type(float64));
        Assert.That(actual.allclose(expected, rtol: 1e-6, atol: 1e-6), Is.True);
    }

    [Test]
    public void AFileLibtorchCannotLoadIsAnInputError()
    {
        using var network = ProbeNetworks.Build(new MlpSpec(3, new[] { 4 }, 2, Activation.Relu), seed: 5);
        string stateDict = Path.Combine(Fixtures, "mlp_3_4_2.pt");  // a zip, but without TorchScript code
        var e = Assert.Throws<InputException>(() => NetworkWeights.Load(network, stateDict, WeightsFormat.Torchscript))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.WeightsMalformed));
        Assert.That(e.Message, Does.StartWith("the TorchScript file cannot be loaded"));
        Assert.That(e.Location!.File, Is.EqualTo(stateDict));
    }

    [Test]
    public void AnArchiveThatAbortsLibtorchIsAnInputErrorNotACrash()
    {
        // With the class the pickle names renamed, torch.jit.load throws through a noexcept frame and std::terminate ends
        // the process that called it (found by the fuzz harness). Loaded in the child, it is an input error here.
        string code = Encoding.UTF8.GetString(FuzzSeeds.ZipEntry(Script, "/code/__torch__.py"));
        Assert.That(code, Does.Contain("class Net("));
        string message = RefusalWithEntry("/code/__torch__.py", Encoding.UTF8.GetBytes(code.Replace("class Net(", "class Nat(")));
        Assert.That(message, Does.StartWith("the TorchScript file cannot be loaded: libtorch ended the loading process"));
    }

    [Test]
    public void AnArchiveLibtorchWroteLoads()
    {
        // Written by libtorch's own torch.jit.save (PyTorchStreamWriter): every entry's data 64-byte aligned by padding in
        // its local extra field, the code deflated, end records for zip64. The Python-written fixture has none of these.
        string folder = Directory.CreateTempSubdirectory("torchscript-").FullName;
        try
        {
            string saved = LibtorchWritten(folder);
            using (var file = File.OpenHandle(saved))
            {
                var entries = ZipDirectory.Read(file).Entries!;
                Assert.That(entries.Select(e => e.DataOffset % 64).Distinct(), Is.EqualTo(new[] { 0L }));
                Assert.That(entries.Single(e => e.Name.EndsWith("/code/__torch__.py", StringComparison.Ordinal)).Method, Is.EqualTo(8));
            }
            TorchScriptWeights.CheckArchive(saved);
            using var network = ProbeNetworks.Build(new MlpSpec(3, new[] { 4 }, 2, Activation.Relu), seed: 5);
            NetworkWeights.Load(network, saved);
            Assert.That(network.named_parameters().Single(p => p.name == "0.weight").parameter.detach().data<double>().ToArray(),
                Is.EqualTo(Enumerable.Range(400, 12).Select(i => i % 29 / 8.0 - 1.5)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestCase("data/0")]
    [TestCase("code/__torch__.py")]
    [TestCase("version")]
    public void AnEntryWhoseDataFailsItsChecksumIsRefusedBeforeLibtorch(string entry)
    {
        string folder = Directory.CreateTempSubdirectory("torchscript-").FullName;
        try
        {
            string damaged = Path.Combine(folder, "model_script.pt");
            var bytes = File.ReadAllBytes(Script);
            // The entry's data found by its content (not by the reader under test); its last byte changed.
            var content = FuzzSeeds.ZipEntry(Script, "/" + entry);
            int at = bytes.AsSpan().IndexOf(content) + content.Length - 1;
            bytes[at] ^= 0x10;
            File.WriteAllBytes(damaged, bytes);

            // The in-process check refuses it (it starts no process); Read reports the same, so libtorch never saw it.
            // The checksums: as ZipArchive reads the recorded one, and computed bit by bit over the changed content.
            uint recorded;
            using (var zip = System.IO.Compression.ZipFile.OpenRead(Script)) recorded = zip.GetEntry($"mlp_3_4_2_script/{entry}")!.Crc32;
            content[^1] ^= 0x10;
            string expected = $"the TorchScript file cannot be loaded: the archive's entry 'mlp_3_4_2_script/{entry}' is damaged: " +
                $"its data fails its CRC-32 checksum (recorded {recorded:x8}, computed {ZipEntryChecksumsTests.BitwiseCrc32(content):x8})";
            var check = Assert.Throws<InputException>(() => TorchScriptWeights.CheckArchive(damaged))!;
            Assert.That(check.Message, Does.StartWith(expected));
            Assert.That(check.Fix, Does.StartWith("the file changed after it was written"));
            using var network = ProbeNetworks.Build(new MlpSpec(3, new[] { 4 }, 2, Activation.Relu), seed: 5);
            var load = Assert.Throws<InputException>(() => NetworkWeights.Load(network, damaged))!;
            Assert.That(load.Message, Is.EqualTo(check.Message));
            Assert.That(load.Code, Is.EqualTo(ErrorCodes.WeightsMalformed));
            Assert.That(load.Location!.File, Is.EqualTo(damaged));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The fixture loaded and saved again by libtorch (torch.jit.save through TorchSharp).</summary>
    internal static string LibtorchWritten(string folder)
    {
        string saved = Path.Combine(folder, "resaved_script.pt");
        using var module = jit.load(Script);
        jit.save(module, saved);
        return saved;
    }

    /// <summary>
    /// Loads the fixture archive with one entry replaced into its architecture; asserts it is refused as malformed at the
    /// archive's path, and returns the message.
    /// </summary>
    internal static string RefusalWithEntry(string entry, byte[] replacement)
    {
        string folder = Directory.CreateTempSubdirectory("torchscript-").FullName;
        try
        {
            string damaged = Path.Combine(folder, "model_script.pt");
            File.WriteAllBytes(damaged, FuzzSeeds.ZipWithEntry(Script, entry, replacement));
            using var network = ProbeNetworks.Build(new MlpSpec(3, new[] { 4 }, 2, Activation.Relu), seed: 5);
            var e = Assert.Throws<InputException>(() => NetworkWeights.Load(network, damaged))!;
            Assert.That(e.Code, Is.EqualTo(ErrorCodes.WeightsMalformed));
            Assert.That(e.Location!.File, Is.EqualTo(damaged));
            return e.Message;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
