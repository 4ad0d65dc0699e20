using SkiaSharp;

namespace SmoothInfo.Data.Images;

/// <summary>
/// A sample drawn as a small PNG for the HTML report, from its (possibly standardized) features: each sample is
/// stretched to its own value range, since preprocessing may have moved the pixels away from 0..255.
/// </summary>
public static class Thumbnail
{
    /// <summary>Whether samples of this shape are images: [height, width] or [channels (1 or 3), height, width].</summary>
    public static bool IsImage(IReadOnlyList<int> shape) => shape.Count == 2 || (shape.Count == 3 && shape[0] is 1 or 3);

    public static string DataUri(ReadOnlySpan<float> features, IReadOnlyList<int> shape) =>
        "data:image/png;base64," + Convert.ToBase64String(Png(features, shape));

    public static byte[] Png(ReadOnlySpan<float> features, IReadOnlyList<int> shape)
    {
        int channels = shape.Count == 3 ? shape[0] : 1, height = shape[^2], width = shape[^1], plane = height * width;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in features) { min = Math.Min(min, v); max = Math.Max(max, v); }
        float range = max > min ? max - min : 1;
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = new byte[plane * 4];
        for (int p = 0; p < plane; p++)
        {
            for (int c = 0; c < 3; c++)
                pixels[4 * p + c] = (byte)Math.Round(255 * (features[(channels == 3 ? c : 0) * plane + p] - min) / range);
            pixels[4 * p + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
