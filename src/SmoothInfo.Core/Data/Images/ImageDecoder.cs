using SkiaSharp;
using SmoothInfo.Diagnostics;

namespace SmoothInfo.Data.Images;

/// <summary>
/// Decodes PNG and JPEG files with SkiaSharp into channel-major floats in [0, 255]: [channels, height, width].
/// Grey is the Rec. 601 luma of the colour image, so colour and grey files of one dataset mix. Without a
/// size in the policy, the first image's size is the dataset's and every other image must match it.
/// </summary>
internal sealed class ImageDecoder
{
    private static readonly string[] Extensions = { ".png", ".jpg", ".jpeg" };
    private readonly int _channels;
    private readonly bool _resize;
    private (int Width, int Height)? _size;
    private string _firstImage = "";

    public ImageDecoder(int channels, (int Width, int Height)? size)
    {
        _channels = channels;
        _resize = size is not null;
        _size = size;
    }

    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>[channels, height, width]; known after the first <see cref="Decode"/> when the policy sets no size.</summary>
    public int[] SampleShape => _size is { } size
        ? new[] { _channels, size.Height, size.Width }
        : throw new InvalidOperationException("the sample shape is known once an image has been decoded");

    public float[] Decode(string path)
    {
        using var original = Load(path);
        if (_size is null)
        {
            _size = (original.Width, original.Height);
            _firstImage = path;
        }
        var (width, height) = _size.Value;
        if (!_resize && (original.Width, original.Height) != (width, height))
            throw new InputException(ErrorCodes.ShapeInconsistent,
                $"the image is {original.Width}x{original.Height}; {width}x{height} (the size of {_firstImage}) is expected, since the policy sets no size.",
                $"set 'dataset.preprocessing.imageSize: [{width}, {height}]' to resize every image.", new SourceLocation(path));
        using var rgba = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        if (!original.ScalePixels(rgba, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None)))
            throw Corrupt(path, "its pixels cannot be converted to RGBA");
        return Planes(rgba.GetPixelSpan(), width * height);
    }

    private float[] Planes(ReadOnlySpan<byte> rgba, int plane)
    {
        var values = new float[_channels * plane];
        for (int p = 0; p < plane; p++)
        {
            byte r = rgba[4 * p], g = rgba[4 * p + 1], b = rgba[4 * p + 2];
            if (_channels == 1)
            {
                values[p] = 0.299f * r + 0.587f * g + 0.114f * b;
                continue;
            }
            values[p] = r;
            values[plane + p] = g;
            values[2 * plane + p] = b;
        }
        return values;
    }

    /// <summary>Decodes the whole image; a file cut short decodes only partly, which counts as corrupt.</summary>
    private static SKBitmap Load(string path)
    {
        using var data = SKData.CreateCopy(DataFiles.ReadAllBytes(path));
        using var codec = SKCodec.Create(data) ?? throw Corrupt(path, "it is not a PNG or JPEG image");
        var bitmap = new SKBitmap(new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var result = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (result == SKCodecResult.Success) return bitmap;
        bitmap.Dispose();
        throw Corrupt(path, $"decoding stopped ({result})");
    }

    private static InputException Corrupt(string path, string reason) => new(ErrorCodes.ImageCorrupt,
        $"the image cannot be decoded: {reason}; a valid PNG or JPEG file is expected.",
        "re-export the image, or remove it from the dataset.", new SourceLocation(path));
}
