namespace SmoothInfo.Models.Backbones;

/// <summary>
/// One image as an ImageNet network takes it: 3 planes (R, G, B) of size x size, values on the 0..255 scale. A grey image
/// is replicated to the three channels; any size is resized bilinearly (pixel centres at half-integers, edges clamped,
/// the aspect ratio not kept: a whole image, never a crop, is what a label describes).
/// </summary>
public static class BackboneInput
{
    /// <param name="pixels">One sample, channel-major in <paramref name="layout"/>.</param>
    /// <param name="scale">Factor to the 0..255 scale (255 for images stored in [0, 1]).</param>
    /// <param name="destination">3 * size * size values.</param>
    public static void Fill(ReadOnlySpan<float> pixels, ImageLayout layout, float scale, int size, Span<float> destination)
    {
        if (pixels.Length != layout.Channels * layout.Plane) throw new ArgumentException("the pixels do not match the layout", nameof(pixels));
        if (destination.Length != 3 * size * size) throw new ArgumentException("3 planes of size x size are expected", nameof(destination));
        int plane = size * size;
        var (x0, x1, wx) = Taps(layout.Width, size);
        var (y0, y1, wy) = Taps(layout.Height, size);
        for (int c = 0; c < 3; c++)
        {
            var source = pixels.Slice((layout.Channels == 1 ? 0 : c) * layout.Plane, layout.Plane);
            var target = destination.Slice(c * plane, plane);
            if (c > 0 && layout.Channels == 1)
            {
                destination[..plane].CopyTo(target); // grey: the same plane thrice
                continue;
            }
            for (int y = 0; y < size; y++)
            {
                var top = source.Slice(y0[y] * layout.Width, layout.Width);
                var bottom = source.Slice(y1[y] * layout.Width, layout.Width);
                float v = wy[y];
                for (int x = 0; x < size; x++)
                {
                    float u = wx[x];
                    float upper = top[x0[x]] + u * (top[x1[x]] - top[x0[x]]);
                    float lower = bottom[x0[x]] + u * (bottom[x1[x]] - bottom[x0[x]]);
                    target[y * size + x] = scale * (upper + v * (lower - upper));
                }
            }
        }
    }

    /// <summary>For each output coordinate: the two source coordinates it lies between and the weight of the second.</summary>
    private static (int[] Low, int[] High, float[] Weight) Taps(int source, int size)
    {
        var low = new int[size];
        var high = new int[size];
        var weight = new float[size];
        double ratio = (double)source / size;
        for (int i = 0; i < size; i++)
        {
            double at = Math.Clamp((i + 0.5) * ratio - 0.5, 0, source - 1);
            low[i] = (int)Math.Floor(at);
            high[i] = Math.Min(low[i] + 1, source - 1);
            weight[i] = (float)(at - low[i]);
        }
        return (low, high, weight);
    }
}
