using SmoothInfo.Data;
using SmoothInfo.Data.Npy;
using SmoothInfo.Diagnostics;
using SmoothInfo.Tests.Fuzz;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Data;

public sealed class NpyDatasetReaderTests : DataFolder
{
    private string WriteFeatures(string name, float[] values, params long[] shape)
    {
        using var t = tensor(values, shape);
        NpyFile.Write(PathOf(name), t);
        return PathOf(name);
    }

    [Test]
    public void ReadsFeaturesWithTextLabels()
    {
        string x = WriteFeatures("x.npy", new[] { 1f, 2f, 3f, 4f, 5f, 6f }, 3, 2);
        WriteText("y.txt", "b\na\nb\n");
        var data = Read("format: npy\npath: x.npy\nlabels: y.txt");
        Assert.That(AllFeatures(data), Is.EqualTo(new[] { 1f, 2f, 3f, 4f, 5f, 6f }));
        Assert.That(data.ClassNames, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(data[2].Locator, Is.EqualTo(SampleLocator.AtIndex(x, 2)));
    }

    [Test]
    public void ReadsFloat64FeaturesWithNpyLabelsKeepingTheSampleShape()
    {
        using (var x = arange(8, dtype: float64).reshape(2, 2, 2)) NpyFile.Write(PathOf("x.npy"), x);
        using (var y = tensor(new[] { 1.0, 0.0 })) NpyFile.Write(PathOf("y.npy"), y);
        var data = Read("format: npy\npath: x.npy\nlabels: y.npy");
        Assert.That(data.SampleShape, Is.EqualTo(new[] { 2, 2 }));
        Assert.That(data[1].Features.ToArray(), Is.EqualTo(new[] { 4f, 5f, 6f, 7f }));
        Assert.That(data.Labels.ToArray(), Is.EqualTo(new[] { 1, 0 }));
    }

    [Test]
    public void ReadsInt64LabelsAsNumpySavesThem()
    {
        WriteFeatures("x.npy", new[] { 1f, 2f, 3f }, 3, 1);
        // numpy.save("y.npy", numpy.array([2, 0, 1])): int64 is NumPy's default for class labels.
        string header = "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }";
        header += new string(' ', (64 - (10 + header.Length + 1) % 64) % 64) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0 };
        bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(header));
        foreach (long label in new long[] { 2, 0, 1 }) bytes.AddRange(BitConverter.GetBytes(label));
        WriteBytes("y.npy", bytes.ToArray());
        var data = Read("format: npy\npath: x.npy\nlabels: y.npy\nclasses: [a, b, c]");
        Assert.That(data.Labels.ToArray(), Is.EqualTo(new[] { 2, 0, 1 }));
    }

    [TestCase("scale")]
    [TestCase("standardize")]
    public void AMappedArrayIsScaledAndHashedAsTheSameValuesReadIntoMemory(string scaling)
    {
        var random = new Random(4);
        var values = Enumerable.Range(0, 5000 * 3).Select(_ => (float)(random.NextDouble() * 10 - 3)).ToArray();
        WriteFeatures("x.npy", values, 5000, 3);
        WriteText("y.txt", string.Join("\n", Enumerable.Range(0, 5000).Select(i => i % 2)));
        WriteText("t.csv", "a,b,c,label\n" + string.Join("\n", Enumerable.Range(0, 5000).Select(i =>
            string.Join(",", values.Skip(3 * i).Take(3).Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + $",{i % 2}")));
        var mapped = Read($"format: npy\npath: x.npy\nlabels: y.txt\npreprocessing: {{ features: {scaling} }}");
        var inMemory = Read($"format: csv\npath: t.csv\npreprocessing: {{ features: {scaling} }}");
        Assert.That(AllFeatures(mapped), Is.EqualTo(AllFeatures(inMemory)), "the same statistics, applied the same way");
        Assert.That(mapped.ContentHashes, Is.EqualTo(inMemory.ContentHashes), "hashes of the values as read");
    }

    [Test]
    public void TruncatedArrayIsRefusedFromItsHeaderBeforeReadingSamples()
    {
        string x = WriteFeatures("x.npy", Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 4, 3);
        File.WriteAllBytes(x, File.ReadAllBytes(x)[..^5]);
        WriteText("y.txt", "0\n1\n0\n1\n");
        var e = ReadFails("format: npy\npath: x.npy\nlabels: y.txt");
        AssertError(e, ErrorCodes.NpyMalformed, x);
        Assert.That(e.Message, Does.Contain("truncated").And.Contain("promises shape (4, 3) of <f4, 176 bytes in all, but it has 171"));
    }

    [Test]
    public void TruncatedHeaderIsAnInputError()
    {
        string x = WriteFeatures("x.npy", new[] { 1f }, 1, 1);
        File.WriteAllBytes(x, File.ReadAllBytes(x)[..9]);
        WriteText("y.txt", "0\n");
        AssertError(ReadFails("format: npy\npath: x.npy\nlabels: y.txt"), ErrorCodes.NpyMalformed, x);
    }

    [Test]
    public void NaNInTheArrayNamesTheSample()
    {
        string x = WriteFeatures("x.npy", new[] { 1f, 2f, float.NaN, 4f }, 2, 2);
        WriteText("y.txt", "0\n1\n");
        var e = ReadFails("format: npy\npath: x.npy\nlabels: y.txt");
        AssertError(e, ErrorCodes.NonFiniteFeature, x);
        Assert.That(e.Message, Does.Contain($"{x}[1]").And.Contain("finite numbers are expected"));
    }

    [Test]
    public void LabelCountMustMatch()
    {
        WriteFeatures("x.npy", new[] { 1f, 2f }, 2, 1);
        string y = WriteText("y.txt", "0\n");
        var e = ReadFails("format: npy\npath: x.npy\nlabels: y.txt");
        AssertError(e, ErrorCodes.ShapeInconsistent, y);
        Assert.That(e.Message, Does.Contain("1 labels").And.Contain("2 samples"));
    }

    [Test]
    public void FractionalNpyLabelIsRefused()
    {
        WriteFeatures("x.npy", new[] { 1f, 2f }, 2, 1);
        using (var y = tensor(new[] { 0.0, 0.5 })) NpyFile.Write(PathOf("y.npy"), y);
        var e = ReadFails("format: npy\npath: x.npy\nlabels: y.npy");
        AssertError(e, ErrorCodes.LabelUnknown, PathOf("y.npy"));
        Assert.That(e.Message, Does.Contain("label 1 is 0.5"));
    }

    [Test]
    public void DatasetOverTheBudgetIsRefusedFromTheHeader()
    {
        string x = WriteFeatures("x.npy", new[] { 1f, 2f, 3f }, 3, 1);
        WriteText("y.txt", "0\n1\n0\n");
        var e = ReadFails("format: npy\npath: x.npy\nlabels: y.txt", maxSamples: 2);
        AssertError(e, ErrorCodes.DatasetTooLarge, x);
    }

    [Test]
    public void EmptyArrayIsAnEmptyDataset()
    {
        string x = WriteFeatures("x.npy", Array.Empty<float>(), 0, 3);
        WriteText("y.txt", "");
        AssertError(ReadFails("format: npy\npath: x.npy\nlabels: y.txt"), ErrorCodes.DatasetEmpty, x);
    }

    [Test]
    public void FeaturesBecomeATensorOfTheSampleShape()
    {
        WriteFeatures("x.npy", new[] { 1f, 2f, 3f, 4f }, 2, 2);
        WriteText("y.txt", "0\n1\n");
        var data = Read("format: npy\npath: x.npy\nlabels: y.txt");
        using var features = DatasetTensors.Features(data, ScalarType.Float64);
        using var labels = DatasetTensors.Labels(data);
        Assert.That(features.shape, Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(features.dtype, Is.EqualTo(ScalarType.Float64));
        Assert.That(labels.data<long>().ToArray(), Is.EqualTo(new long[] { 0, 1 }));
    }

    private static byte[] Doubles(int count) => new byte[8 * count];

    /// <summary>Found by the fuzzer (docs/robustness.md): each escaped as OverflowException or allocated gigabytes before refusing.</summary>
    [Test]
    public void HeadersPromisingMoreThanTheFileHoldsAreRefusedBeforeAllocating()
    {
        var v2 = FuzzSeeds.Npy("<f8", new long[] { 2, 1 }, Doubles(2), major: 2);
        v2[8] = v2[9] = v2[10] = v2[11] = 0xFF; // a 4 GB header length, read as a negative int before
        var cases = new (string Features, byte[] FeatureBytes, string Labels, byte[] LabelBytes, string Expected, string Named)[]
        {
            ("x.npy", v2, "y.txt", FuzzSeeds.Text("0\n1\n"), "truncated inside its header", "x.npy"),
            ("x.npy", FuzzSeeds.Npy("<f8", new long[] { 6, 1_000_000 }, Doubles(6)), "y.txt", FuzzSeeds.Text("0\n"), "truncated", "x.npy"),
            ("x.npy", FuzzSeeds.Npy("<f8", new long[] { 2, 1 }, Doubles(2)), "y.npy", FuzzSeeds.Npy("<i8", new long[] { 1L << 31 }, Doubles(2)), "truncated", "y.npy"),
            ("x.npy", FuzzSeeds.Npy("<f8", new long[] { 1L << 62, 1L << 62 }, Doubles(2)), "y.txt", FuzzSeeds.Text("0\n"), "larger than any file", "x.npy"),
        };
        foreach (var (features, featureBytes, labels, labelBytes, expected, named) in cases)
        {
            WriteBytes(features, featureBytes);
            WriteBytes(labels, labelBytes);
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var e = ReadFails($"format: npy\npath: {features}\nlabels: {labels}");
            Assert.That(GC.GetTotalAllocatedBytes(precise: true) - before, Is.LessThan(64L << 20), expected);
            AssertError(e, ErrorCodes.NpyMalformed, PathOf(named));
            Assert.That(e.Message, Does.Contain(expected));
        }
    }

    [Test]
    public void NoSamplesOfAHugeShapeIsAnEmptyDatasetWithoutAllocatingTheShape()
    {
        string x = WriteBytes("x.npy", FuzzSeeds.Npy("<f8", new long[] { 0, 32768, 32768 }, Array.Empty<byte>()));
        WriteText("y.txt", "");
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var e = ReadFails("format: npy\npath: x.npy\nlabels: y.txt");
        Assert.That(GC.GetTotalAllocatedBytes(precise: true) - before, Is.LessThan(64L << 20));
        AssertError(e, ErrorCodes.DatasetEmpty, x);
    }
}
