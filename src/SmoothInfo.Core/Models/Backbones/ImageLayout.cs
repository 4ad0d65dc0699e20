namespace SmoothInfo.Models.Backbones;

/// <summary>
/// How a sample's features are an image: [height, width] (grey) or [channels, height, width] with 1 or 3 channels,
/// channel-major, as every image reader of the gate stores them.
/// </summary>
public readonly record struct ImageLayout(int Channels, int Height, int Width)
{
    /// <summary>The layout of samples of this shape, or null when they are not images a backbone can take.</summary>
    public static ImageLayout? Of(IReadOnlyList<int> sampleShape) => sampleShape.Count switch
    {
        2 when sampleShape[0] > 0 && sampleShape[1] > 0 => new ImageLayout(1, sampleShape[0], sampleShape[1]),
        3 when sampleShape[0] is 1 or 3 && sampleShape[1] > 0 && sampleShape[2] > 0 => new ImageLayout(sampleShape[0], sampleShape[1], sampleShape[2]),
        _ => null,
    };

    public int Plane => Height * Width;
}
