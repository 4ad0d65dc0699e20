using SmoothInfo.Diagnostics;

namespace SmoothInfo.Models;

/// <summary>
/// A probe multilayer perceptron for tabular or flattened data:
/// Linear(InputDim, w1) - act - ... - Linear(w_last, Outputs). No activation after the last layer
/// (the estimator works with the raw outputs, one per class).
/// </summary>
public sealed record MlpSpec(int InputDim, IReadOnlyList<int> HiddenWidths, int Outputs, NetworkActivation Activation)
{
    public void Validate()
    {
        if (InputDim < 1) throw Invalid($"the input dimension must be at least 1 (got {InputDim}).");
        if (Outputs < 1) throw Invalid($"the number of outputs must be at least 1 (got {Outputs}).");
        foreach (int width in HiddenWidths)
            if (width < 1) throw Invalid($"every hidden width must be at least 1 (got {width}).");
    }

    private static InputException Invalid(string message) =>
        new(ErrorCodes.InvalidNetworkSpec, $"invalid MLP: {message}", "fix the probe network in the policy.");
}
