using SkiaSharp;
using SmoothInfo.Data;
using SmoothInfo.Data.Npy;
using SmoothInfo.Diagnostics;
using SmoothInfo.Gate;
using SmoothInfo.Policy.Loading;
using SmoothInfo.Policy.Model;
using SmoothInfo.Tests.Data;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Gate;

/// <summary>
/// The backbone inside the gate: its features are cached by content hash beside the reports (a second run embeds nothing,
/// a changed image re-embeds one), it is refused at its policy line on data that are not images, and the gaussian probe's
/// solver says it ran on the backbone's features.
/// </summary>
public sealed class BackboneRunTests : DataFolder
{
    private const string ModelLines = "model:\n  probe: { kind: gaussian }\n  backbone: resnet18\ntraining:\n  weightDecay: auto\n";

    /// <summary>A small grey pattern: stripes of a given period and phase, so every image differs.</summary>
    private void WriteImage(string name, int period, int phase)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(12, 12, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < 12; y++)
            for (int x = 0; x < 12; x++)
            {
                byte v = (byte)(((x + y * phase) / period) % 2 == 0 ? 230 : 20);
                bitmap.SetPixel(x, y, new SKColor(v, v, v));
            }
        using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        WriteBytes(name, encoded.ToArray());
    }

    private void WriteImages()
    {
        for (int i = 0; i < 4; i++) WriteImage($"images/stripes/{i}.png", 2 + i, 0);
        for (int i = 0; i < 4; i++) WriteImage($"images/checks/{i}.png", 2 + i, 1);
        File.Copy(PathOf("images/checks/0.png"), PathOf("images/checks/copy.png")); // a duplicate is embedded once
    }

    private SmoothInfoPolicy ImagePolicy(string features = "scale") => PolicyLoader.Load(PathOf("smoothinfo.yml"),
        $"version: 1\ndataset:\n  format: image-folder\n  path: images\n  preprocessing: {{ channels: 1, features: {features} }}\n" + ModelLines);

    private string CacheDir => PathOf("reports");

    [Test]
    public void ASecondRunEmbedsNothingAndAChangedImageIsEmbeddedAgain()
    {
        WriteImages();
        var policy = ImagePolicy();
        var dataset = DatasetReader.Read(policy);
        var first = BackboneRun.Embed(policy, dataset, CacheDir)!;
        Assert.That(first.Rows, Has.Length.EqualTo(9));
        Assert.That(first.Embedded, Is.EqualTo(8), "nine images, one a copy of another");
        Assert.That(File.Exists(Path.Combine(CacheDir, EmbeddingCache.FileName("resnet18"))));

        var second = BackboneRun.Embed(policy, DatasetReader.Read(policy), CacheDir)!;
        Assert.That(second.Embedded, Is.Zero);
        Assert.That(second.Rows, Is.EqualTo(first.Rows));

        WriteImage("images/stripes/1.png", 7, 0);
        var third = BackboneRun.Embed(policy, DatasetReader.Read(policy), CacheDir)!;
        Assert.That(third.Embedded, Is.EqualTo(1));
        int changed = Enumerable.Range(0, 9).Count(i => !third.Rows[i].SequenceEqual(first.Rows[i]));
        Assert.That(changed, Is.EqualTo(1));
        var saved = EmbeddingCache.Load(Path.Combine(CacheDir, EmbeddingCache.FileName("resnet18")), "any other identity", 512);
        Assert.That(saved, Is.Empty, "features of another backbone identity are not reused");
    }

    [Test]
    public void TheBackboneSeesPixelsAsReadWhateverThePolicysFeatureScaling()
    {
        WriteImages();
        var scaled = BackboneRun.Embed(ImagePolicy("scale"), DatasetReader.Read(ImagePolicy("scale")), cacheDirectory: null)!;
        var raw = BackboneRun.Embed(ImagePolicy("none"), DatasetReader.Read(ImagePolicy("none")), cacheDirectory: null)!;
        Assert.That(scaled.Rows, Is.EqualTo(raw.Rows));
        Assert.That(raw.Embedded, Is.EqualTo(8), "without a cache folder every image is embedded");
    }

    [Test]
    public void ADamagedCacheIsReEmbeddedNotAnError()
    {
        WriteImages();
        var policy = ImagePolicy();
        WriteText("reports/" + EmbeddingCache.FileName("resnet18"), "smoothinfo embeddings 1\ngarbage");
        var run = BackboneRun.Embed(policy, DatasetReader.Read(policy), CacheDir)!;
        Assert.That(run.Embedded, Is.EqualTo(8));
        Assert.That(BackboneRun.Embed(policy, DatasetReader.Read(policy), CacheDir)!.Embedded, Is.Zero);
    }

    [Test]
    public void ArraysOnTheUnitScaleAreBroughtToThe0To255Scale()
    {
        using (var x = rand(new long[] { 4, 8, 8 }, generator: manual_seed(3)))
        {
            NpyFile.Write(PathOf("unit.npy"), x);
            using var scaled = x * 255;
            NpyFile.Write(PathOf("bytes.npy"), scaled);
        }
        WriteText("y.txt", "0\n1\n0\n1\n");
        BackboneFeatures Embed(string file)
        {
            var policy = PolicyLoader.Load(PathOf("smoothinfo.yml"), $"version: 1\ndataset:\n  format: npy\n  path: {file}\n  labels: y.txt\n" + ModelLines);
            return BackboneRun.Embed(policy, DatasetReader.Read(policy), cacheDirectory: null)!;
        }
        var unit = Embed("unit.npy");
        var bytes = Embed("bytes.npy");
        for (int i = 0; i < 4; i++) Assert.That(unit.Rows[i], Is.EqualTo(bytes.Rows[i]).Within(1e-3f));
    }

    [Test]
    public void ABackboneOnSamplesThatAreNotImagesIsRefusedAtItsPolicyLine()
    {
        using (var x = rand(new long[] { 6, 5 }, float32)) NpyFile.Write(PathOf("x.npy"), x);
        WriteText("y.txt", "0\n1\n0\n1\n0\n1\n");
        var policy = PolicyLoader.Load(PathOf("smoothinfo.yml"), "version: 1\ndataset:\n  format: npy\n  path: x.npy\n  labels: y.txt\n" + ModelLines);
        var e = Assert.Throws<InputException>(() => BackboneRun.Embed(policy, DatasetReader.Read(policy), CacheDir))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyInconsistent));
        Assert.That(e.Location, Is.EqualTo(new SourceLocation(PathOf("smoothinfo.yml"), 8, 13)));
        Assert.That(e.Message, Does.Contain("shape [5]"));
        Assert.That(e.Fix, Is.Not.Empty);
    }

    [Test]
    public void TheGaussianProbeRunsOnTheBackbonesFeaturesAndSaysSo()
    {
        WriteImages();
        var policy = ImagePolicy();
        var run = GatePipeline.Run(policy, new GateRunOptions(CPU, CacheFile: Path.Combine(CacheDir, EstimatorCache.FileName)));
        Assert.That(run.Report.Solver.Reason, Does.Contain("gaussian probe on resnet18 features"));
        Assert.That(run.Report.Signals.Select(s => s.LabelSurprise), Is.All.Matches<double>(double.IsFinite));
    }
}
