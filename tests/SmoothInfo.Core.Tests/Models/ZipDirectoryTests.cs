using System.Text;
using SmoothInfo.Models.Weights;
using SmoothInfo.Runtime;
using SmoothInfo.Tests.Fuzz;

namespace SmoothInfo.Tests.Models;

/// <summary>
/// The refusals <see cref="ZipDirectory"/> mirrors from libtorch's zip reader, against libtorch itself: archives it
/// refuses must be refused by libtorch when opening them, and archives it follows must be opened by libtorch.
/// libtorch runs in the child process the product uses (an archive it opens may abort the process that loads it).
/// </summary>
public sealed class ZipDirectoryTests
{
    private static readonly string Script = Path.Combine(TestContext.CurrentContext.TestDirectory, "Models", "Fixtures", "mlp_3_4_2_script.pt");

    /// <summary>What libtorch says when its zip reader cannot open an archive (PyTorchStreamReader::init).</summary>
    private static readonly string[] LibtorchOpeningFailures =
        { "PytorchStreamReader failed reading zip archive", "archive does not contain any files", "file in archive is not in a subdirectory" };

    private string _folder = "";

    [SetUp]
    public void SetUp() => _folder = Directory.CreateTempSubdirectory("zip-directory-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void WhatItRefusesLibtorchRefusesToOpenAndWhatItFollowsLibtorchOpens()
    {
        // The fuzz harness's mutations of the TorchScript fixture (the same seeds), the first 14 refused and 6 followed.
        var refused = new List<(byte[] Bytes, string Reason)>();
        var followed = new List<byte[]>();
        var seed = File.ReadAllBytes(Script);
        for (int i = 0; refused.Count < 14 || followed.Count < 6; i++)
        {
            var bytes = Mutator.Mutate(seed, new Random(i), new StringBuilder());
            var directory = Read(bytes);
            if (directory.Refusal is { } reason && refused.Count < 14) refused.Add((bytes, reason));
            else if (directory.Entries is not null && followed.Count < 6) followed.Add(bytes);
        }
        Assert.That(refused.Select(r => Rule(r.Reason)).Distinct().Count(), Is.GreaterThanOrEqualTo(3), "several of the rules are exercised");

        foreach (var (bytes, reason) in refused)
        {
            string said = Libtorch(bytes);
            Assert.That(LibtorchOpeningFailures.Any(said.Contains), Is.True, $"refused here ({reason}), but libtorch said: {said}");
        }
        foreach (var bytes in followed)
        {
            string said = Libtorch(bytes);
            Assert.That(LibtorchOpeningFailures.Any(said.Contains), Is.False, $"followed here, but libtorch could not open it: {said}");
        }
    }

    [TestCase(0)]
    [TestCase(21)]
    [TestCase(100)]
    public void AnArchiveCutBeforeItsEndRecordIsRefused(int keep)
    {
        var bytes = File.ReadAllBytes(Script);
        Assert.That(Read(bytes[..keep]).Refusal, Does.StartWith("it has no end-of-central-directory record"));
    }

    [Test]
    public void AnArchiveWithoutAFolderIsRefusedAsLibtorchRefusesIt()
    {
        var bytes = File.ReadAllBytes(Script);
        // The first entry's name, 'mlp_3_4_2_script/data.pkl', with its slash replaced in the central directory.
        int central = bytes.AsSpan().IndexOf("PK\u0001\u0002"u8);
        int slash = central + 46 + "mlp_3_4_2_script".Length;
        Assert.That(bytes[slash], Is.EqualTo((byte)'/'));
        bytes[slash] = (byte)'_';
        Assert.That(Read(bytes).Refusal, Is.EqualTo("its first entry 'mlp_3_4_2_script_data.pkl' is not inside a folder, as torch.jit.save writes every entry"));
        Assert.That(Libtorch(bytes), Does.Contain("file in archive is not in a subdirectory"));
    }

    [Test]
    public void SizesInAZip64ExtraFieldAreReadAsLibtorchReadsThem()
    {
        // The first entry's sizes moved into a zip64 extended information field, as writers do for entries of 4 GB and more.
        var bytes = WithZip64Sizes(File.ReadAllBytes(Script), fieldLength: 16);
        var entry = Read(bytes).Entries![0];
        Assert.That((entry.Name, entry.Size, entry.CompressedSize), Is.EqualTo(("mlp_3_4_2_script/data.pkl", 440L, 440L)));
        Assert.That(Libtorch(bytes), Does.StartWith("exit 0"));

        // A field claiming more bytes than the extra data holds: both refuse to open the archive.
        var overrun = WithZip64Sizes(File.ReadAllBytes(Script), fieldLength: 40);
        Assert.That(Read(overrun).Refusal, Is.EqualTo("its entry 'mlp_3_4_2_script/data.pkl' has an extra field whose lengths do not add up"));
        Assert.That(Libtorch(overrun), Does.Contain("PytorchStreamReader failed reading zip archive"));
    }

    /// <summary>
    /// The archive with its first central directory record's sizes saturated (0xFFFFFFFF) and given in a zip64 extended
    /// information field (id 1) that declares <paramref name="fieldLength"/> bytes and holds the two sizes (16 bytes).
    /// </summary>
    private static byte[] WithZip64Sizes(byte[] zip, int fieldLength)
    {
        int end = zip.Length - 22; // the fixture has no comment
        int directory = BitConverter.ToInt32(zip, end + 16), directorySize = BitConverter.ToInt32(zip, end + 12);
        Assert.That(BitConverter.ToUInt16(zip, directory + 30), Is.Zero, "the fixture's records have no extra field");
        int nameLength = BitConverter.ToUInt16(zip, directory + 28);
        long size = BitConverter.ToUInt32(zip, directory + 24), compressed = BitConverter.ToUInt32(zip, directory + 20);
        var extra = new List<byte>();
        extra.AddRange(BitConverter.GetBytes((ushort)1));
        extra.AddRange(BitConverter.GetBytes((ushort)fieldLength));
        extra.AddRange(BitConverter.GetBytes(size));
        extra.AddRange(BitConverter.GetBytes(compressed));
        var record = zip[directory..(directory + 46 + nameLength)];
        BitConverter.GetBytes(uint.MaxValue).CopyTo(record, 20);
        BitConverter.GetBytes(uint.MaxValue).CopyTo(record, 24);
        BitConverter.GetBytes((ushort)extra.Count).CopyTo(record, 30);
        var endRecord = zip[end..];
        BitConverter.GetBytes(directorySize + extra.Count).CopyTo(endRecord, 12);
        return zip[..directory].Concat(record).Concat(extra).Concat(zip[(directory + 46 + nameLength)..end]).Concat(endRecord).ToArray();
    }

    private ZipDirectory Read(byte[] bytes)
    {
        string path = Path.Combine(_folder, "read.pt");
        File.WriteAllBytes(path, bytes);
        using var file = File.OpenHandle(path);
        return ZipDirectory.Read(file);
    }

    /// <summary>The words before the first number or quote: which rule refused.</summary>
    private static string Rule(string reason) => new(reason.TakeWhile(c => !char.IsDigit(c) && c != '\'').ToArray());

    /// <summary>What the product's child process (libtorch's torch.jit.load) prints for the archive.</summary>
    private string Libtorch(byte[] bytes)
    {
        string path = Path.Combine(_folder, "model_script.pt");
        File.WriteAllBytes(path, bytes);
        using var child = System.Diagnostics.Process.Start(ToolProcess.StartInfo(new[] { TorchScriptWeights.ChildCommand, path, Path.Combine(_folder, "out.safetensors") }))!;
        var output = child.StandardOutput.ReadToEndAsync();
        string errors = child.StandardError.ReadToEnd();
        child.WaitForExit();
        return $"exit {child.ExitCode}: {errors}{output.Result}";
    }
}
