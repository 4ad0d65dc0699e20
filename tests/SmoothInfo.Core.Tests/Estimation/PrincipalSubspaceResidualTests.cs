using SmoothInfo.Estimation;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Estimation;

/// <summary>
/// The residual from the principal subspace (fitted through eigh of the covariance or of the Gram matrix) against a
/// plain twin: the SVD of the centered data, components counted from its singular values, and each residual as the
/// energy minus the squared projections on those directions, one sample and one direction at a time.
/// </summary>
public sealed class PrincipalSubspaceResidualTests
{
    [TestCase(300, 12, 0.9)]  // more samples than dimensions: the covariance is decomposed
    [TestCase(40, 150, 0.9)]  // more dimensions than samples: the Gram matrix is
    [TestCase(200, 30, 0.5)]
    public void MatchesTheResidualFromTheSvdOfTheCenteredData(int n, int d, double fraction)
    {
        var generator = new Generator().manual_seed(n + d);
        // Correlated inputs, so a few directions hold most of the variance.
        var x = randn(new long[] { n, 4 }, dtype: float64, generator: generator).matmul(randn(new long[] { 4, d }, dtype: float64, generator: generator))
            + 0.3 * randn(new long[] { n, d }, dtype: float64, generator: generator);

        var result = PrincipalSubspaceResidual.Compute(x, fraction);

        var centered = x - x.mean(new long[] { 0 }, keepdim: true);
        var (_, singular, vh) = linalg.svd(centered, fullMatrices: false);
        double[] variance = singular.square().data<double>().ToArray();
        int expectedComponents = 0;
        for (double explained = 0; explained < fraction * variance.Sum(); explained += variance[expectedComponents++]) { }
        Assert.That(result.Components, Is.EqualTo(expectedComponents));
        Assert.That(result.Dimensions, Is.EqualTo(d));

        double[,] c = ToArray(centered), v = ToArray(vh);
        for (int i = 0; i < n; i++)
        {
            double energy = 0;
            for (int j = 0; j < d; j++) energy += c[i, j] * c[i, j];
            double kept = 0;
            for (int k = 0; k < expectedComponents; k++)
            {
                double projection = 0;
                for (int j = 0; j < d; j++) projection += c[i, j] * v[k, j];
                kept += projection * projection;
            }
            Assert.That(result.Distance[i] * result.Distance[i], Is.EqualTo(energy - kept).Within(1e-9 * energy + 1e-12), $"sample {i}");
        }
    }

    [Test]
    public void AnInputOffThePlaneOfTheDataIsAtItsDistanceAndTheRestNearlyAtZero()
    {
        // 2,000 points and their mirror images in the (e1, e2) plane of R^5, and one at the origin moved 3 along e3:
        // the in-plane mean is 0 and nothing couples e3 to the plane, so the principal plane is exactly (e1, e2).
        const int pairs = 2000, n = 2 * pairs + 1;
        var half = 10 * randn(new long[] { pairs, 2 }, dtype: float64, generator: new Generator().manual_seed(3));
        var x = zeros(n, 5, dtype: float64);
        x[TensorIndex.Slice(0, 2 * pairs), TensorIndex.Slice(0, 2)] = cat(new[] { half, -half }, 0);
        x[n - 1, 2] = 3.0;

        var result = PrincipalSubspaceResidual.Compute(x);

        // The mean moves 3/n along e3, so the outlier is 3(1 - 1/n) from the plane through it and the rest 3/n.
        Assert.That(result.Components, Is.EqualTo(2));
        Assert.That(result.Distance[n - 1], Is.EqualTo(3 * (1 - 1.0 / n)).Within(1e-9));
        Assert.That(result.Distance.Take(n - 1), Has.All.EqualTo(3.0 / n).Within(1e-9));
    }

    [Test]
    public void OnMoreSamplesThanItFitsOnEverySampleIsStillMeasured()
    {
        // 6,000 samples: the components come from 4,096 evenly spaced ones, the outlier (index 5) among them or not.
        const int n = 6000;
        Assert.That(n, Is.GreaterThan(PrincipalSubspaceResidual.MaxFitRows));
        var x = zeros(n, 5, dtype: float64);
        x[TensorIndex.Colon, TensorIndex.Slice(0, 2)] = 10 * randn(new long[] { n, 2 }, dtype: float64, generator: new Generator().manual_seed(4));
        x[5, 3] = 3.0;

        var result = PrincipalSubspaceResidual.Compute(x);

        Assert.That(result.Components, Is.EqualTo(2));
        Assert.That(result.Distance[5], Is.EqualTo(3.0).Within(0.01));
        Assert.That(result.Distance.Where((_, i) => i != 5).Max(), Is.LessThan(0.03));
    }

    [TestCase(3, 10, 0.999999)] // inputs exactly in a 3-dimensional subspace, which the components span
    [TestCase(2, 2, 0.9)]       // two features and both components needed: the subspace is everything
    public void WhatTheSubspaceHoldsHasNoResidualNotEvenRounding(int rank, int d, double fraction)
    {
        var generator = new Generator().manual_seed(rank * d);
        // Orthonormal directions with comparable variance, so every one of them is needed.
        var (directions, _) = linalg.qr(randn(new long[] { d, rank }, dtype: float64, generator: generator));
        var x = randn(new long[] { 500, rank }, dtype: float64, generator: generator).matmul(directions.t()) + 5;

        var result = PrincipalSubspaceResidual.Compute(x, fraction);

        Assert.That(result.Components, Is.EqualTo(rank));
        Assert.That(result.Distance, Has.All.EqualTo(0.0), "rounding would otherwise make robust-z outliers");
    }

    [Test]
    public void OrdinaryGaussianInputsWithOneResidualDimensionPassTheDefaultThreshold()
    {
        // Variances 9, 4, 1: two components hold 13/14 > 90%, so each residual is one Gaussian coordinate. Its square
        // would be chi-square with one degree of freedom, whose robust z passes 8 for about 2% of samples; the distance's does not.
        var x = randn(new long[] { 5000, 3 }, dtype: float64, generator: new Generator().manual_seed(11)) * tensor(new[] { 3.0, 2.0, 1.0 });

        var result = PrincipalSubspaceResidual.Compute(x);

        Assert.That(result.Components, Is.EqualTo(2));
        var distances = new SmoothInfo.Rules.ScoreDistribution(result.Distance);
        Assert.That(result.Distance.Count(d => distances.RobustZ(d) > 8), Is.Zero);
        var squares = new SmoothInfo.Rules.ScoreDistribution(result.Distance.Select(d => d * d));
        Assert.That(result.Distance.Count(d => squares.RobustZ(d * d) > 8), Is.GreaterThan(50), "the reason for the distance");
    }

    [Test]
    public void ConstantInputsHaveNoSubspaceAndNoResidual()
    {
        var result = PrincipalSubspaceResidual.Compute(ones(10, 4, dtype: float64));
        Assert.That(result.Components, Is.Zero);
        Assert.That(result.Distance, Has.All.EqualTo(0.0));
    }

    [Test]
    public void TheSameInputsGiveTheSameResidualsEveryRun()
    {
        var x = randn(new long[] { 500, 20 }, dtype: float64, generator: new Generator().manual_seed(9));
        Assert.That(PrincipalSubspaceResidual.Compute(x).Distance, Is.EqualTo(PrincipalSubspaceResidual.Compute(x.clone()).Distance));
    }

    private static double[,] ToArray(Tensor matrix)
    {
        var values = matrix.contiguous().data<double>().ToArray();
        long rows = matrix.shape[0], columns = matrix.shape[1];
        var array = new double[rows, columns];
        for (long r = 0; r < rows; r++)
            for (long col = 0; col < columns; col++) array[r, col] = values[r * columns + col];
        return array;
    }
}
