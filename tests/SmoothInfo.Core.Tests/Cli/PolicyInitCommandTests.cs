using SkiaSharp;
using SmoothInfo.Cli;
using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Loading;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Tests.Cli;

/// <summary>`smoothinfo init`: a starter policy that loads, inferred from the dataset; input errors exit 2 and write nothing.</summary>
public sealed class PolicyInitCommandTests
{
    private string _dir = "";
    private StringWriter _stdout = new(), _stderr = new();

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("init-").FullName;
        _stdout = new StringWriter();
        _stderr = new StringWriter();
    }

    [TearDown]
    public void TearDown()
    {
        Directory.Delete(_dir, recursive: true);
        _stdout.Dispose();
        _stderr.Dispose();
    }

    private string PolicyFile => Path.Combine(_dir, "smoothinfo.yml");

    private int Init(params string[] args) => SmoothInfoApp.Run(new[] { "init" }.Concat(args).ToArray(), _stdout, _stderr);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void CsvPolicyNamesTheLabelIdAndSourceColumnsAndTheClasses()
    {
        string csv = Write("data/train.csv", "sample_id,x1,x2,Target,origin\na,1,2,cat,web\nb,3,4,dog,lab\n");
        Assert.That(Init("--dataset", csv, "--out", PolicyFile), Is.EqualTo(0), _stderr.ToString());
        var policy = PolicyLoader.Load(PolicyFile);
        Assert.That(policy.Dataset.Format, Is.EqualTo(DatasetFormat.Csv));
        Assert.That(policy.Dataset.Path, Is.EqualTo(csv));
        Assert.That((policy.Dataset.LabelColumn, policy.Dataset.IdColumn, policy.Dataset.SourceColumn), Is.EqualTo(("Target", "sample_id", "origin")));
        Assert.That(policy.Dataset.Classes, Is.EqualTo(new[] { "cat", "dog" }));
        Assert.That(policy.Dataset.Preprocessing.Features, Is.EqualTo(FeatureScaling.Standardize));
        Assert.That(policy.Baseline, Is.EqualTo(Path.Combine(_dir, "smoothinfo.baseline.json")), "`smoothinfo baseline` has a file to write");
        Assert.That(policy.Rules.InputOutliers.Enabled, Is.False, "tables: the input rule is off");
        Assert.That(policy.Rules.Mislabeled.Threshold, Is.EqualTo(0.18));
        string text = File.ReadAllText(PolicyFile);
        Assert.That(text, Does.StartWith("# yaml-language-server: $schema=./smoothinfo.schema.json"));
        Assert.That(text, Does.Contain("path: \"data/train.csv\""), "paths are written relative to the policy");
        Assert.That(text, Does.Not.Contain("backbone"), "an image backbone is offered for images only");
        Assert.That(File.ReadAllText(Path.Combine(_dir, "smoothinfo.schema.json")), Is.EqualTo(PolicySchema.Text()));
        Assert.That(_stdout.ToString(), Does.Contain("2 samples, 2 classes"));
    }

    [Test]
    public void IdxPolicyFindsTheLabelsFileAndLeavesNumberedClassesUnnamed()
    {
        File.WriteAllBytes(Path.Combine(_dir, "train-images-idx3-ubyte"), new byte[] { 0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 3, 4 });
        File.WriteAllBytes(Path.Combine(_dir, "train-labels-idx1-ubyte"), new byte[] { 0, 0, 8, 1, 0, 0, 0, 2, 1, 0 });
        Assert.That(Init("--dataset", Path.Combine(_dir, "train-images-idx3-ubyte"), "--out", PolicyFile), Is.EqualTo(0), _stderr.ToString());
        var policy = PolicyLoader.Load(PolicyFile);
        Assert.That(policy.Dataset.Labels, Is.EqualTo(Path.Combine(_dir, "train-labels-idx1-ubyte")));
        Assert.That(policy.Dataset.Classes, Is.Empty);
        Assert.That(File.ReadAllText(PolicyFile), Does.Contain("# classes: [\"0\", \"1\"]"));
        Assert.That(policy.Model.Backbone, Is.EqualTo(Backbone.Resnet18), "a few images are embedded by the pretrained backbone");
        Assert.That(policy.Model.Probe.Kind, Is.EqualTo(ProbeKind.Gaussian));
        Assert.That(policy.Training.WeightDecay, Is.Null, "weight decay chosen by leave-one-out");
    }

    [Test]
    public void ManyImagesAreOfferedTheBackboneWithItsCostInsteadOfGivenIt()
    {
        int n = SmoothInfo.Cli.Commands.StarterPolicy.BackboneImages + 1;
        var images = new List<byte> { 0, 0, 8, 3 };
        images.AddRange(BigEndian(n)); images.AddRange(BigEndian(2)); images.AddRange(BigEndian(2));
        images.AddRange(Enumerable.Range(0, n * 4).Select(i => (byte)(i * 7)));
        var labels = new List<byte> { 0, 0, 8, 1 };
        labels.AddRange(BigEndian(n));
        labels.AddRange(Enumerable.Range(0, n).Select(i => (byte)(i % 3)));
        File.WriteAllBytes(Path.Combine(_dir, "train-images-idx3-ubyte"), images.ToArray());
        File.WriteAllBytes(Path.Combine(_dir, "train-labels-idx1-ubyte"), labels.ToArray());
        Assert.That(Init("--dataset", Path.Combine(_dir, "train-images-idx3-ubyte"), "--out", PolicyFile), Is.EqualTo(0), _stderr.ToString());
        Assert.That(PolicyLoader.Load(PolicyFile).Model.Backbone, Is.EqualTo(Backbone.None));
        Assert.That(File.ReadAllText(PolicyFile), Does.Contain("# backbone: resnet18").And.Contain("about 5 min here"));
    }

    private static byte[] BigEndian(int value) => new[] { (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value };

    [Test]
    public void ImageFolderPolicyInfersGreyImagesAndAResizeWhenSizesDiffer()
    {
        WriteGreyPng("imgs/a/1.png", 4, 4);
        WriteGreyPng("imgs/b/2.png", 6, 5);
        Assert.That(Init("--dataset", Path.Combine(_dir, "imgs"), "--out", PolicyFile), Is.EqualTo(0), _stderr.ToString());
        var policy = PolicyLoader.Load(PolicyFile);
        Assert.That(policy.Dataset.Format, Is.EqualTo(DatasetFormat.ImageFolder));
        Assert.That(policy.Dataset.Preprocessing.Channels, Is.EqualTo(1));
        Assert.That(policy.Dataset.Preprocessing.ImageSize, Is.EqualTo((6, 5)));
        Assert.That(policy.Dataset.Classes, Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public void CsvListingImagesBecomesAnImageCsvPolicy()
    {
        WriteGreyPng("img/1.png", 3, 3);
        WriteGreyPng("img/2.png", 3, 3);
        Write("list.csv", "image,label\nimg/1.png,ok\nimg/2.png,bad\n");
        Assert.That(Init("--dataset", Path.Combine(_dir, "list.csv"), "--out", PolicyFile), Is.EqualTo(0), _stderr.ToString());
        var policy = PolicyLoader.Load(PolicyFile);
        Assert.That(policy.Dataset.Format, Is.EqualTo(DatasetFormat.ImageCsv));
        Assert.That((policy.Dataset.ImageColumn, policy.Dataset.LabelColumn), Is.EqualTo(("image", "label")));
        Assert.That(policy.Dataset.Preprocessing.Channels, Is.EqualTo(3), "channels are inferred for image folders only");
    }

    [Test]
    public void NpyPolicyFindsTheLabelsBesideTheFeatures()
    {
        using (var x = TorchSharp.torch.ones(4, 2)) SmoothInfo.Data.Npy.NpyFile.Write(Path.Combine(_dir, "train_x.npy"), x);
        Write("train_y.npy.txt", "unrelated");
        Write("labels.txt", "a\nb\na\nb\n");
        Assert.That(Init("--dataset", Path.Combine(_dir, "train_x.npy"), "--out", PolicyFile), Is.EqualTo(0), _stderr.ToString());
        var policy = PolicyLoader.Load(PolicyFile);
        Assert.That(policy.Dataset.Format, Is.EqualTo(DatasetFormat.Npy));
        Assert.That(policy.Dataset.Labels, Is.EqualTo(Path.Combine(_dir, "labels.txt")));
        Assert.That(policy.Dataset.Classes, Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public void NpyWithoutALabelsFileSaysWhichNamesWereTried()
    {
        using (var x = TorchSharp.torch.ones(2, 2)) SmoothInfo.Data.Npy.NpyFile.Write(Path.Combine(_dir, "features.npy"), x);
        Assert.That(Init("--dataset", Path.Combine(_dir, "features.npy"), "--out", PolicyFile), Is.EqualTo(2));
        Assert.That(_stderr.ToString(), Does.Contain(ErrorCodes.FormatNotRecognised).And.Contain("labels.npy, y.npy or labels.txt"));
        Assert.That(File.Exists(PolicyFile), Is.False);
    }

    [Test]
    public void ExistingPolicyIsNotOverwrittenWithoutForce()
    {
        string csv = Write("t.csv", "x,label\n1,a\n");
        Write("smoothinfo.yml", "keep me");
        Assert.That(Init("--dataset", csv, "--out", PolicyFile), Is.EqualTo(2));
        Assert.That(_stderr.ToString(), Does.Contain($"{PolicyFile}: error {ErrorCodes.PolicyExists}").And.Contain("--force"));
        Assert.That(File.ReadAllText(PolicyFile), Is.EqualTo("keep me"));
        Assert.That(Init("--dataset", csv, "--out", PolicyFile, "--force"), Is.EqualTo(0));
        Assert.That(File.ReadAllText(PolicyFile), Does.Contain("version: 1"));
    }

    [Test]
    public void BadDataIsReportedWithFileAndLineExitTwoAndNoPolicyIsWritten()
    {
        string csv = Write("t.csv", "x,label\n1,a\n2\n");
        Assert.That(Init("--dataset", csv, "--out", PolicyFile), Is.EqualTo(2), _stderr.ToString());
        Assert.That(_stderr.ToString().Trim(), Does.StartWith($"{csv}(3,1): error {ErrorCodes.CsvColumnCount}: ").And.Contain("Fix: "));
        Assert.That(_stderr.ToString(), Does.Not.Contain("   at "), "no stack trace");
        Assert.That(File.Exists(PolicyFile), Is.False);
        Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { csv }), "nothing partial is left behind");
    }

    [Test]
    public void UnrecognisedOrMissingDatasetExitsTwo()
    {
        Assert.That(Init("--dataset", Write("data.parquet", "PAR1"), "--out", PolicyFile), Is.EqualTo(2));
        Assert.That(_stderr.ToString(), Does.Contain(ErrorCodes.FormatNotRecognised));
        Assert.That(Init("--dataset", Path.Combine(_dir, "none.csv"), "--out", PolicyFile), Is.EqualTo(2));
        Assert.That(_stderr.ToString(), Does.Contain(ErrorCodes.FileNotFound));
    }

    private void WriteGreyPng(string name, int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        bitmap.Erase(SKColors.Gray);
        using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        string path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, encoded.ToArray());
    }
}
