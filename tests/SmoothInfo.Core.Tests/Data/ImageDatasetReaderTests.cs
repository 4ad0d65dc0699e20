using SkiaSharp;
using SmoothInfo.Data;
using SmoothInfo.Diagnostics;

namespace SmoothInfo.Tests.Data;

public sealed class ImageDatasetReaderTests : DataFolder
{
    private string WriteImage(string name, int width, int height, SKColor color, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(color);
        using var encoded = bitmap.Encode(format, 100);
        return WriteBytes(name, encoded.ToArray());
    }

    [Test]
    public void ImageFolderGivesOneClassPerSubFolderAndTheFileAsLocator()
    {
        WriteImage("data/cat/1.png", 4, 3, new SKColor(200, 100, 50));
        string jpeg = WriteImage("data/dog/2.jpg", 4, 3, new SKColor(0, 0, 255), SKEncodedImageFormat.Jpeg);
        WriteText("data/dog/notes.txt", "not an image");
        WriteText("data/dog/._2.jpg", "macOS resource fork, not an image");
        WriteImage("data/.thumbnails/x.png", 4, 3, SKColors.Red);
        var data = Read("format: image-folder\npath: data");
        Assert.That(data.Count, Is.EqualTo(2));
        Assert.That(data.ClassNames, Is.EqualTo(new[] { "cat", "dog" }));
        Assert.That(data.SampleShape, Is.EqualTo(new[] { 3, 3, 4 }), "colour by default, channel-major");
        Assert.That(data[0].Features.Span[0], Is.EqualTo(200f));
        Assert.That(data[0].Features.Span[12], Is.EqualTo(100f), "the green plane follows the red one");
        Assert.That(data[1].Locator, Is.EqualTo(new SampleLocator(jpeg)));
        Assert.That(data[1].Features.Span[24], Is.EqualTo(255f).Within(3), "JPEG is lossy");
    }

    [Test]
    public void GreyAndResizeComeFromThePolicy()
    {
        WriteImage("data/a/1.png", 8, 8, new SKColor(255, 255, 255));
        WriteImage("data/b/2.png", 5, 7, new SKColor(255, 0, 0));
        var data = Read("format: image-folder\npath: data\npreprocessing: { imageSize: [2, 3], channels: 1 }");
        Assert.That(data.SampleShape, Is.EqualTo(new[] { 1, 3, 2 }));
        Assert.That(data[0].Features.ToArray(), Is.All.EqualTo(255f).Within(0.5));
        Assert.That(data[1].Features.ToArray(), Is.All.EqualTo(0.299f * 255).Within(0.5), "grey is the luma");
    }

    [Test]
    public void ImagesOfDifferentSizesNeedAnImageSize()
    {
        WriteImage("data/a/1.png", 4, 4, SKColors.White);
        string odd = WriteImage("data/b/2.png", 5, 4, SKColors.White);
        var e = ReadFails("format: image-folder\npath: data");
        AssertError(e, ErrorCodes.ShapeInconsistent, odd);
        Assert.That(e.Message, Does.Contain("5x4; 4x4").And.Contain("is expected"));
        Assert.That(e.Fix, Does.Contain("imageSize: [4, 4]"));
    }

    [TestCase(0.05, TestName = "Corrupt image: only the start of the header")]
    [TestCase(0.6, TestName = "Truncated image: header intact, pixel data cut")]
    public void CorruptOrTruncatedImageNamesTheFile(double keptFraction)
    {
        WriteImage("data/a/1.png", 4, 4, SKColors.White);
        var bytes = NoisyPng(64, 64);
        string broken = WriteBytes("data/a/2.png", bytes[..(int)(bytes.Length * keptFraction)]);
        var e = ReadFails("format: image-folder\npath: data\npreprocessing: { imageSize: [4, 4] }");
        AssertError(e, ErrorCodes.ImageCorrupt, broken);
        Assert.That(e.Message, Does.Contain("a valid PNG or JPEG file is expected"));
    }

    /// <summary>A PNG that does not compress to a few bytes, so cutting it loses pixel rows.</summary>
    private static byte[] NoisyPng(int width, int height)
    {
        var random = new Random(1);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) bitmap.SetPixel(x, y, new SKColor((uint)random.Next() | 0xFF000000));
        using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return encoded.ToArray();
    }

    [Test]
    public void FolderWithoutImagesIsAnEmptyDataset()
    {
        Directory.CreateDirectory(PathOf("data/a"));
        AssertError(ReadFails("format: image-folder\npath: data"), ErrorCodes.DatasetEmpty, PathOf("data"));
    }

    [Test]
    public void MissingFolderIsAnError()
    {
        Directory.CreateDirectory(PathOf("data"));
        var policy = Policy("format: image-folder\npath: data");
        Directory.Delete(PathOf("data"));
        AssertError(Assert.Throws<InputException>(() => DatasetReader.Read(policy))!, ErrorCodes.FileNotFound, PathOf("data"));
    }

    [Test]
    public void FolderOverTheBudgetIsRefusedBeforeDecoding()
    {
        for (int i = 0; i < 3; i++) WriteImage($"data/a/{i}.png", 2, 2, SKColors.White);
        var e = ReadFails("format: image-folder\npath: data", maxSamples: 2);
        AssertError(e, ErrorCodes.DatasetTooLarge, PathOf("data"));
    }

    [Test]
    public void ImageListGivesLabelsIdsSourcesAndTheRowAsLocator()
    {
        WriteImage("img/1.png", 2, 2, SKColors.White);
        WriteImage("img/2.png", 2, 2, SKColors.Black);
        string list = WriteText("list.csv", "file,label,origin\nimg/1.png,cat,web\nimg/2.png,dog,lab\n");
        var data = Read("format: image-csv\npath: list.csv\nsourceColumn: origin\npreprocessing: { channels: 1 }");
        Assert.That(data.ClassNames, Is.EqualTo(new[] { "cat", "dog" }));
        Assert.That(data[1].Locator, Is.EqualTo(SampleLocator.AtLine(list, 3)));
        Assert.That(data[1].Source, Is.EqualTo("lab"));
        Assert.That(data[1].Features.ToArray(), Is.All.EqualTo(0f));
    }

    [Test]
    public void ImageListNamingAMissingImageNamesTheRow()
    {
        WriteImage("img/1.png", 2, 2, SKColors.White);
        string list = WriteText("list.csv", "file,label\nimg/1.png,cat\nimg/9.png,dog\n");
        var e = ReadFails("format: image-csv\npath: list.csv");
        AssertError(e, ErrorCodes.FileNotFound, list, 3);
        Assert.That(e.Message, Does.Contain("'img/9.png', which does not exist"));
    }

    [Test]
    public void ImageListWithAWrongColumnCountNamesTheRow()
    {
        string list = WriteText("list.csv", "file,label\nimg/1.png\n");
        AssertError(ReadFails("format: image-csv\npath: list.csv"), ErrorCodes.CsvColumnCount, list, 2);
    }
}
