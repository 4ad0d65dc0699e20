using static TorchSharp.torch;

namespace SmoothInfo.Kernels;

/// <summary>
/// The finite-width network behind <see cref="GaussianKernel"/>: phi(x) = sqrt(2/m) cos(W x + b), W ~ N(0, 2/h I), b ~ U[0, 2 pi),
/// so that E[phi(x) . phi(x')] = exp(-||x - x'||^2 / h) (Rahimi and Recht 2007). Its output layer, linearized, is the gate's
/// route for datasets too large for the n x n kernel: memory O(m^2 + chunk m), cost linear in n. Seeded: the same seed,
/// inputs and bandwidth give the same features.
/// </summary>
public sealed class RandomFourierFeatures : IDisposable
{
    private readonly Tensor _weights;   // (d, m)
    private readonly Tensor _phases;    // (m)
    private readonly double _scale;

    public RandomFourierFeatures(long inputs, int width, double bandwidth, long seed, ScalarType dtype, Device device)
    {
        var generator = new Generator((ulong)seed);
        _weights = (randn(new[] { inputs, (long)width }, float64, generator: generator) * Math.Sqrt(2 / bandwidth)).to(dtype, device);
        _phases = (rand(new[] { (long)width }, float64, generator: generator) * (2 * Math.PI)).to(dtype, device);
        _scale = Math.Sqrt(2.0 / width);
        Width = width;
    }

    public int Width { get; }

    /// <summary>phi of a chunk of (rows, d) inputs, (rows, m).</summary>
    public Tensor Of(Tensor inputs) => inputs.matmul(_weights).add_(_phases).cos_().mul_(_scale);

    public void Dispose()
    {
        _weights.Dispose();
        _phases.Dispose();
    }
}
