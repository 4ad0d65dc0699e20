using SmoothInfo.Estimation;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Estimation;

/// <summary>A random linearized model: Jacobians (wider than n*k, so the kernel is positive definite), targets, initial predictions.</summary>
internal sealed record RandomLinearizedModel(Tensor Jacobian, Tensor TestJacobian, Tensor Targets, Tensor InitialPredictions, Tensor TestInitialPredictions)
{
    public static RandomLinearizedModel Create(long n, long k, long d, long m, int seed)
    {
        var generator = new Generator().manual_seed(seed);
        Tensor Normal(params long[] shape) => randn(shape, dtype: float64, generator: generator);
        return new RandomLinearizedModel(
            Normal(n * k, d) / Math.Sqrt(d), Normal(m * k, d) / Math.Sqrt(d),
            Normal(n, k), 0.1 * Normal(n, k), 0.1 * Normal(m, k));
    }

    public KernelProblem Problem(bool withTestSet) => new(
        Jacobian.matmul(Jacobian.T), Targets, InitialPredictions,
        withTestSet ? TestJacobian.matmul(Jacobian.T) : null, withTestSet ? TestInitialPredictions : null);

    /// <summary>A step that gradient descent on the leave-one-out problems converges with: 1 / lambda_max(Theta_l).</summary>
    public double StableLearningRate(double weightDecay) =>
        1 / (linalg.eigvalsh(Jacobian.matmul(Jacobian.T)).max().ToDouble() + weightDecay);
}
