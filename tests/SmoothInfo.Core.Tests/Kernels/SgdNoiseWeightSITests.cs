using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reference;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Kernels;

/// <summary>The SGD-noise weight SI against a direct dense Lyapunov solve and retraining without each sample.</summary>
public sealed class SgdNoiseWeightSITests
{
    private const double NoiseScale = 0.05;
    private static readonly TrainingRun Run = new(1e-3, double.PositiveInfinity, 1e-2);

    private static (Tensor J, Tensor Y, Tensor F0, JacobianSource Source) Problem(long n)
    {
        var network = ProbeNetworks.Build(new MlpSpec(3, new[] { 4 }, 2, Activation.Tanh), seed: 5);   // d = 26
        using var g = new Generator().manual_seed(6);
        var x = randn(new[] { n, 3L }, float64, generator: g);
        var y = randn(new[] { n, 2L }, float64, generator: g);
        Tensor f0;
        using (no_grad()) f0 = network.call(x);
        var rows = JacobianRows.Exact(network, ParameterSelection.All);
        return (rows.Rows(x), y, f0, rows.Source(x));
    }

    /// <summary>(I (x) H + H (x) I) vec(Sigma) = s vec(C): the Lyapunov equation as one dense linear system.</summary>
    private static Tensor DenseLyapunov(Tensor h, Tensor c)
    {
        long d = h.shape[0];
        using var identity = eye(d, dtype: float64);
        using var system = kron(identity, h) + kron(h, identity);
        return linalg.solve(system, (c * NoiseScale).reshape(d * d)).reshape(d, d);
    }

    private static Tensor GradientCovariance(Tensor j, Tensor residual, Tensor weights, long n, long k)
    {
        var gradients = new List<Tensor>();
        for (long i = 0; i < n; i++)
        {
            var rows = j.narrow(0, i * k, k);
            gradients.Add(rows.t().matmul(rows.matmul(weights) - residual.narrow(0, i * k, k)));
        }
        var g = stack(gradients);
        var centered = g - g.mean(new long[] { 0 }, keepdim: true);
        return centered.t().matmul(centered) / n;
    }

    [Test]
    public void StationaryCovarianceSolvesTheLyapunovEquationAsTheDenseSystemDoes()
    {
        var (j, y, f0, source) = Problem(60);
        using var scope = NewDisposeScope();
        var fit = WeightSpaceFit.Create(source, y, f0, Run, blockSamples: 7);
        var sigma = SgdNoiseWeightSI.StationaryCovariance(fit, source, NoiseScale, blockSamples: 7);
        var residual = (y - f0).reshape(-1);
        var hessian = j.t().matmul(j) + Run.WeightDecay * eye(j.shape[1], dtype: float64);
        var weights = WeightSpaceRetraining.Train(j, residual, Run.LearningRate, Run);
        var expected = DenseLyapunov(hessian, GradientCovariance(j, residual, weights, 60, 2));
        KernelAssert.Close(sigma, expected);
        using var lyapunov = hessian.matmul(sigma) + sigma.matmul(hessian);
        KernelAssert.Close(lyapunov, GradientCovariance(j, residual, weights, 60, 2) * NoiseScale);
    }

    [Test]
    public void WeightSIIsHalfTheMahalanobisNormOfTheRetrainedWeightChange()
    {
        var (j, y, f0, source) = Problem(60);
        using var information = SgdNoiseWeightSI.Compute(source, y, f0, Run, NoiseScale, blockSamples: 9);
        using var scope = NewDisposeScope();
        var residual = (y - f0).reshape(-1);
        var hessian = j.t().matmul(j) + Run.WeightDecay * eye(j.shape[1], dtype: float64);
        var weights = WeightSpaceRetraining.Train(j, residual, Run.LearningRate, Run);
        var sigma = DenseLyapunov(hessian, GradientCovariance(j, residual, weights, 60, 2));
        var expected = new double[60];
        for (long i = 0; i < 60; i++)
        {
            var kept = cat(new[] { arange(0, 2 * i, dtype: int64), arange(2 * i + 2, 120, dtype: int64) }, 0);
            var dw = weights - WeightSpaceRetraining.Train(j.index_select(0, kept), residual.index_select(0, kept), Run.LearningRate, Run);
            expected[i] = 0.5 * dw.dot(linalg.solve(sigma, dw)).item<double>();
        }
        KernelAssert.Close(information, tensor(expected));
    }

    [Test]
    public void FewerSamplesThanParametersIsASingularCovariance()
    {
        var (_, y, f0, source) = Problem(8);
        var e = Assert.Throws<InputException>(() => SgdNoiseWeightSI.Compute(source, y, f0, Run, NoiseScale).Dispose())!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.SingularSystem));
        Assert.That(e.Message, Does.Contain("8 samples for 26 parameters"));
    }
}
