using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

internal static class Tensors
{
    /// <summary>Moves results out of the current dispose scope so the caller owns them.</summary>
    public static void MoveToOuterScope(params Tensor?[] tensors)
    {
        foreach (var tensor in tensors) tensor?.MoveToOuterDisposeScope();
    }
}
