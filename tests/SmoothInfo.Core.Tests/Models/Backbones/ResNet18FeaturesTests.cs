using SmoothInfo.Data;
using SmoothInfo.Models.Backbones;
using SmoothInfo.Policy.Loading;

namespace SmoothInfo.Tests.Models.Backbones;

/// <summary>
/// The ImageNet ResNet-18 run through ONNX Runtime on real Fashion-MNIST images (the sample project's PNGs): what scale
/// its preprocessing expects, and that its features are finite, 512-d and the same on every run.
/// </summary>
public sealed class ResNet18FeaturesTests
{
    private const int Size = ResNet18Features.InputSize;
    private ResNet18Features _backbone = null!;

    [OneTimeSetUp]
    public void Open() => _backbone = new ResNet18Features(workers: 2);

    [OneTimeTearDown]
    public void Close() => _backbone.Dispose();

    [Test]
    public void ThePreprocessModelTakesRgbOnThe0To255ScaleAndSubtractsAMeanImage()
    {
        var black = _backbone.Preprocess(new float[3 * Size * Size]);
        var white = _backbone.Preprocess(Enumerable.Repeat(255f, 3 * Size * Size).ToArray());
        // Slope 1: no rescaling inside, so the 0..255 scale is what it is built for (a unit-scale image would reach the
        // network as its mean image with a tiny perturbation).
        for (int i = 0; i < white.Length; i += 997) Assert.That(white[i] - black[i], Is.EqualTo(255f).Within(1e-3));
        // The mean it subtracts is an ImageNet mean image, 0..255 scale: about 100-125 per channel, varying by position.
        Assert.That(black.Select(v => -v), Is.All.InRange(60f, 160f));
        Assert.That(black.Distinct().Count(), Is.GreaterThan(3), "a mean image, not three channel means");
        // Red in, third plane out: it swaps RGB to BGR, as ML.NET's pixel extraction (R, G, B planes) expects.
        var red = new float[3 * Size * Size];
        Array.Fill(red, 100f, 0, Size * Size);
        var swapped = _backbone.Preprocess(red);
        Assert.That(swapped[2 * Size * Size] - black[2 * Size * Size], Is.EqualTo(100f).Within(1e-3));
        Assert.That(swapped[0] - black[0], Is.EqualTo(0f).Within(1e-3));
    }

    [Test]
    public void FeaturesOfRealImagesAreFinite512DimensionalAndTheSameOnEveryRun()
    {
        var images = SampleImages(6);
        var layout = ImageLayout.Of(images.SampleShape)!.Value;
        var rows = Enumerable.Range(0, images.Count).Select(i => images[i].Features).ToList();
        var first = _backbone.Embed(rows, layout, 1f);
        using var oneWorker = new ResNet18Features(workers: 1);
        var again = oneWorker.Embed(rows, layout, 1f);
        Assert.That(first, Has.Length.EqualTo(6));
        foreach (var f in first)
        {
            Assert.That(f, Has.Length.EqualTo(512));
            Assert.That(f, Is.All.Matches<float>(float.IsFinite).And.All.GreaterThanOrEqualTo(0f), "pooled after a ReLU");
            Assert.That(f.Count(v => v > 0), Is.GreaterThan(100), "an image lights up many features");
        }
        for (int i = 0; i < first.Length; i++) Assert.That(again[i], Is.EqualTo(first[i]), "bit for bit, with one worker or two");
        Assert.That(first[0], Is.Not.EqualTo(first[1]));
    }

    [Test]
    public void GreyAsHeightByWidthOrOneChannelOrThreeEqualChannelsGivesOneImage()
    {
        var grey = SampleImages(1)[0].Features.ToArray(); // [1, 28, 28]
        var asGrid = _backbone.Embed(new[] { (ReadOnlyMemory<float>)grey }, ImageLayout.Of(new[] { 28, 28 })!.Value, 1f)[0];
        var asOneChannel = _backbone.Embed(new[] { (ReadOnlyMemory<float>)grey }, new ImageLayout(1, 28, 28), 1f)[0];
        var rgb = grey.Concat(grey).Concat(grey).ToArray();
        var asColour = _backbone.Embed(new[] { (ReadOnlyMemory<float>)rgb }, new ImageLayout(3, 28, 28), 1f)[0];
        var unitScale = _backbone.Embed(new[] { (ReadOnlyMemory<float>)grey.Select(v => v / 255f).ToArray() }, new ImageLayout(1, 28, 28), 255f)[0];
        Assert.That(asOneChannel, Is.EqualTo(asGrid));
        Assert.That(asColour, Is.EqualTo(asGrid));
        Assert.That(unitScale, Is.EqualTo(asGrid).Within(1e-3f), "pixels stored in [0, 1] are brought to the 0..255 scale");
    }

    [Test]
    public void AnySizeIsResizedAndTheSameImageLargerLooksAlike()
    {
        var images = SampleImages(2);
        var image = images[0].Features.ToArray();
        var planes = new float[3 * 56 * 56]; // the same picture at twice the size, enlarged smoothly
        BackboneInput.Fill(image, new ImageLayout(1, 28, 28), 1f, 56, planes);
        var twice = planes[..(56 * 56)];
        var small = _backbone.Embed(new[] { (ReadOnlyMemory<float>)image }, new ImageLayout(1, 28, 28), 1f)[0];
        var large = _backbone.Embed(new[] { (ReadOnlyMemory<float>)twice }, new ImageLayout(1, 56, 56), 1f)[0];
        var oblong = _backbone.Embed(new[] { (ReadOnlyMemory<float>)new float[3 * 17 * 40] }, new ImageLayout(3, 17, 40), 1f)[0];
        var another = _backbone.Embed(new[] { images[1].Features }, new ImageLayout(1, 28, 28), 1f)[0];
        // Resizing twice is not resizing once, so the features are close rather than equal (cosine 0.95 measured); another
        // ankle boot's are further (0.81: post-ReLU features are all positive, so any two images have a high cosine).
        Assert.That(Cosine(small, large), Is.GreaterThan(0.9).And.GreaterThan(Cosine(small, another) + 0.05));
        Assert.That(oblong, Has.Length.EqualTo(512).And.All.Matches<float>(float.IsFinite));
    }

    [Test]
    public void MissingModelFilesSayWhereTheyComeFrom()
    {
        string empty = Directory.CreateTempSubdirectory("no-models-").FullName;
        try
        {
            var e = Assert.Throws<FileNotFoundException>(() => new ResNet18Features(empty))!;
            Assert.That(e.Message, Does.Contain("ResNet18Model.props").And.Contain("Microsoft.ML.DnnImageFeaturizer.ResNet18"));
        }
        finally
        {
            Directory.Delete(empty);
        }
        Assert.That(ResNet18Features.IdentityOf(), Is.EqualTo(_backbone.Identity), "the identity is the model files', however asked");
    }

    /// <summary>The first images of the sample project's training set (Fashion-MNIST, MIT), read as the gate reads them: grey [1, 28, 28].</summary>
    internal static Dataset SampleImages(int count)
    {
        string root = RepositoryRoot();
        string dir = Directory.CreateTempSubdirectory("resnet18-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(Path.Combine(root, "sample-project", "data", "train"), "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(count))
            {
                string target = Path.Combine(dir, "images", Path.GetFileName(Path.GetDirectoryName(file))!, Path.GetFileName(file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            string policy = Path.Combine(dir, "smoothinfo.yml");
            return DatasetReader.Read(PolicyLoader.Load(policy, "version: 1\ndataset:\n  format: image-folder\n  path: images\n  preprocessing: { channels: 1 }\n"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "SmoothInfo.Build.sln"))) root = root.Parent ?? throw new DirectoryNotFoundException("repository root");
        return root.FullName;
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }
}
