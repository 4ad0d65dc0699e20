using SmoothInfo.Diagnostics;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Policy.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Kernels;

/// <summary>
/// Random projections of the Jacobian: the projected kernel is J_p J_p^T, deterministic in the seed, and an unbiased
/// estimate of J J^T whose spread is the one the variance formulas predict. With u, v two rows of J and R the d x p
/// projection, Var[(J_p J_p^T)_uv] is
/// - sparse sign (Li, Hastie and Church 2006, Lemma 1): ((u.v)^2 + |u|^2 |v|^2 + (s - 3) sum_i u_i^2 v_i^2) / p;
/// - coordinate subset without replacement, scaled by d/p: (d^2 / p) sigma_w^2 (d - p) / (d - 1), with w_i = u_i v_i
///   and sigma_w^2 their population variance over the d coordinates.
/// </summary>
public sealed class ProjectionTests
{
    private const int Draws = 400;

    // d = 4*6 + 6 + 6*3 + 3 = 51 parameters; 4 samples x 3 outputs give a 12 x 12 kernel.
    private static readonly MlpSpec Spec = new(4, new[] { 6 }, 3, Activation.Tanh);

    private static Tensor Inputs(int n, long seed, int features = 4)
    {
        using var g = new Generator().manual_seed(seed);
        return randn(new long[] { n, features }, float64, generator: g);
    }

    [Test]
    public void TheProjectedKernelIsJpJpTransposedAndDeterministicInTheSeed()
    {
        using var network = ProbeNetworks.Build(Spec, seed: 3);
        using var x = Inputs(4, 1);
        using var heldOut = Inputs(2, 2);
        foreach (var projection in new[] { new JacobianProjection(ProjectionKind.SparseSign, 20, Seed: 5), new JacobianProjection(ProjectionKind.CoordinateSubset, 20, Seed: 5) })
        {
            var options = new NtkOptions { Projection = projection, SamplesPerBlock = 3 };
            using var jp = JacobianRows.Projected(network, ParameterSelection.All, projection).Rows(x);
            using var jte = JacobianRows.Projected(network, ParameterSelection.All, projection).Rows(heldOut);
            using var kernel = EmpiricalNtk.Train(network, x, options);
            using var again = EmpiricalNtk.Train(network, x, options);
            using var other = EmpiricalNtk.Train(network, x, options with { Projection = projection with { Seed = 6 } });
            using var cross = EmpiricalNtk.Cross(network, heldOut, x, options);
            KernelAssert.Close(kernel, jp.mm(jp.t()), 1e-13);
            KernelAssert.Close(cross, jte.mm(jp.t()), 1e-13);
            Assert.That(kernel.eq(kernel.t()).all().item<bool>(), Is.True, "exactly symmetric");
            Assert.That(kernel.eq(again).all().item<bool>(), Is.True, "the same seed gives the same kernel");
            Assert.That(kernel.eq(other).all().item<bool>(), Is.False, "another seed another projection");
        }
    }

    [TestCase(1.0)]
    [TestCase(3.0)]
    [TestCase(null)]  // s = sqrt(51): very sparse
    public void SparseSignKernelsAverageToTheExactKernelWithThePredictedSpread(double? sparsity)
    {
        const long p = 8;
        using var network = ProbeNetworks.Build(Spec, seed: 3);
        using var x = Inputs(4, 1);
        using var j = JacobianRows.Exact(network, ParameterSelection.All).Rows(x);
        using var exact = j.mm(j.t());
        double s = sparsity ?? Math.Sqrt(j.shape[1]);
        using var squares = j.square();
        using var variance = (exact.square() + exact.diag().outer(exact.diag()) + (s - 3) * squares.mm(squares.t())) / p;
        AssertUnbiasedWithVariance(network, x, exact, variance,
            seed => new JacobianProjection(ProjectionKind.SparseSign, p, seed, sparsity));
    }

    [Test]
    public void CoordinateSubsetKernelsAverageToTheExactKernelWithThePredictedSpread()
    {
        const long p = 10;
        using var network = ProbeNetworks.Build(Spec, seed: 3);
        using var x = Inputs(4, 1);
        using var j = JacobianRows.Exact(network, ParameterSelection.All).Rows(x);
        using var exact = j.mm(j.t());
        double d = j.shape[1];
        using var squares = j.square();
        using var populationVariance = squares.mm(squares.t()) / d - exact.square() / (d * d);
        using var variance = populationVariance * (d * d / p * (d - p) / (d - 1));
        AssertUnbiasedWithVariance(network, x, exact, variance,
            seed => new JacobianProjection(ProjectionKind.CoordinateSubset, p, seed));
    }

    /// <summary>
    /// Over 400 seeds, each entry's mean is within 5 standard errors (sqrt(variance / 400)) of the exact entry: under
    /// the central limit theorem a single entry fails with probability 6e-7, any of the 78 distinct ones with below
    /// 5e-5. The sample variances average to the formula's within 20%: the sample variance of 400 draws has a relative
    /// standard error of about sqrt(2 / 400) = 7% per entry (more for the heavy-tailed sparse draws), so 20% lets the
    /// formula's own sampling noise pass and catches a formula off by a sizeable factor. Measured: see docs/kernels.md.
    /// </summary>
    private static void AssertUnbiasedWithVariance(TorchSharp.Modules.Sequential network, Tensor x, Tensor exact, Tensor variance,
        Func<long, JacobianProjection> projection)
    {
        using var sum = zeros_like(exact);
        using var sumOfSquares = zeros_like(exact);
        for (long seed = 0; seed < Draws; seed++)
        {
            using var kernel = EmpiricalNtk.Train(network, x, new NtkOptions { Projection = projection(seed) });
            sum.add_(kernel);
            sumOfSquares.add_(kernel.square());
        }
        using var mean = sum / Draws;
        using var sampleVariance = (sumOfSquares - sum.square() / Draws) / (Draws - 1);
        using var lower = ones_like(exact).tril().to_type(ScalarType.Bool);
        using var z = ((mean - exact) / (variance / Draws).sqrt()).masked_select(lower);
        double largest = z.abs().max().item<double>();
        double ratio = (sampleVariance.masked_select(lower).sum() / variance.masked_select(lower).sum()).item<double>();
        TestContext.Out.WriteLine($"largest |z| {largest:F2}, sample / predicted variance {ratio:F3}");
        Assert.That(largest, Is.LessThan(5.0));
        Assert.That(ratio, Is.InRange(0.8, 1.2), "summed sample variance / summed predicted variance");
    }

    [Test]
    public void TheErrorAgainstTheExactKernelIsThePredictedOneAndFallsLikeOneOverSqrtP()
    {
        using var network = ProbeNetworks.Build(new MlpSpec(20, new[] { 64 }, 5, Activation.Relu), seed: 3);  // d = 1,669
        using var x = Inputs(30, 4, features: 20);
        using var j = JacobianRows.Exact(network, ParameterSelection.All).Rows(x);
        using var exact = j.mm(j.t());
        double s = Math.Sqrt(j.shape[1]);
        using var squares = j.square();
        using var unscaled = exact.square() + exact.diag().outer(exact.diag()) + (s - 3) * squares.mm(squares.t());
        double norm = linalg.norm(exact).item<double>();
        var errors = new List<double>();
        foreach (long p in new long[] { 64, 256, 1024 })
        {
            using var kernel = EmpiricalNtk.Train(network, x, new NtkOptions { Projection = new JacobianProjection(ProjectionKind.SparseSign, p, Seed: 11) });
            double error = (linalg.norm(kernel - exact) / norm).item<double>();
            double predicted = Math.Sqrt(unscaled.sum().item<double>() / p) / norm;  // sqrt(E ||K_p - K||_F^2) / ||K||_F
            TestContext.Out.WriteLine($"p = {p}: relative Frobenius error {error:G3}, predicted {predicted:G3}");
            Assert.That(error / predicted, Is.InRange(0.5, 2.0), $"p = {p}: measured {error}, predicted {predicted}");
            errors.Add(error);
        }
        Assert.That(errors, Is.Ordered.Descending);
    }

    [Test]
    public void InvalidDimensionsAndSparsitiesAreInputErrors()
    {
        using var network = ProbeNetworks.Build(Spec, seed: 3);
        var e = Assert.Throws<InputException>(() => JacobianRows.SparseSign(network, ParameterSelection.All, 0, 1))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.InvalidHyperparameter));
        e = Assert.Throws<InputException>(() => JacobianRows.SparseSign(network, ParameterSelection.All, 4, 1, sparsity: 0.5))!;
        Assert.That(e.Message, Does.Contain("at least 1"));
        e = Assert.Throws<InputException>(() => JacobianRows.CoordinateSubset(network, ParameterSelection.All, 52, 1))!;
        Assert.That(e.Message, Does.Contain("d = 51"));
    }
}
