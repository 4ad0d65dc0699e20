using SmoothInfo.Diagnostics;

namespace SmoothInfo.Models;

public enum Pooling
{
    Max,
    Average,
}

/// <summary>
/// A small probe CNN for images of InputChannels x Height x Width: for each entry c of ConvChannels one block
/// Conv2d(KernelSize, stride 1, "same" zero padding) - act - Pool(2); then Flatten - Linear(Outputs).
/// </summary>
public sealed record CnnSpec(
    int InputChannels, int Height, int Width, IReadOnlyList<int> ConvChannels, int Outputs, NetworkActivation Activation,
    int KernelSize = 3, Pooling Pooling = Pooling.Max)
{
    /// <summary>Features entering the final Linear layer (each pooling halves height and width, rounding down).</summary>
    public int FlattenedFeatures
    {
        get
        {
            int h = Height, w = Width;
            for (int i = 0; i < ConvChannels.Count; i++) { h /= 2; w /= 2; }
            return (ConvChannels.Count == 0 ? InputChannels : ConvChannels[^1]) * h * w;
        }
    }

    public void Validate()
    {
        if (InputChannels < 1 || Height < 1 || Width < 1)
            throw Invalid($"the input must be at least 1x1x1 (got {InputChannels}x{Height}x{Width}).");
        if (Outputs < 1) throw Invalid($"the number of outputs must be at least 1 (got {Outputs}).");
        if (KernelSize < 1 || KernelSize % 2 == 0)
            throw Invalid($"the kernel size must be odd so that padding keeps the image size (got {KernelSize}).");
        foreach (int c in ConvChannels)
            if (c < 1) throw Invalid($"every convolution needs at least 1 channel (got {c}).");
        if (FlattenedFeatures < 1)
            throw Invalid($"{ConvChannels.Count} pooling steps shrink a {Height}x{Width} image to nothing.");
    }

    private static InputException Invalid(string message) =>
        new(ErrorCodes.InvalidNetworkSpec, $"invalid CNN: {message}", "fix the probe network in the policy.");
}
