using SmoothInfo.Estimation;
using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Estimation;

/// <summary>
/// The certified interval of <see cref="SpectrumBounds"/> against eigvalsh: it holds every eigenvalue, and it is tight to
/// the resolutions it promises (lambda_max to about 1e-3, lambda_min to about 5% of itself or of the flat scale), on
/// kernels too large for Lanczos to exhaust, singular ones and indefinite ones, with the shift (weight decay) never formed.
/// </summary>
public sealed class SpectrumBoundsTests
{
    public static IEnumerable<TestCaseData> Matrices()
    {
        using var generator = new Generator(11);
        foreach (var (size, rank) in new[] { (400, 800), (600, 1200), (500, 300) })
        {
            var features = randn(size, rank, dtype: float64, generator: generator) / Math.Sqrt(rank);
            var kernel = features.matmul(features.T);
            yield return new TestCaseData(kernel, 1e-3, 1e-3).SetName($"kernel {size} x {size} of rank {Math.Min(size, rank)}, lambda 1e-3");
        }
        var singular = randn(300, 40, dtype: float64, generator: generator);
        yield return new TestCaseData(singular.matmul(singular.T), 0.0, 1e-4).SetName("singular kernel of rank 40");
        var symmetric = randn(350, 350, dtype: float64, generator: generator);
        yield return new TestCaseData((symmetric + symmetric.T) / 2, 0.5, 1e-2).SetName("indefinite symmetric, shifted by 0.5");
        yield return new TestCaseData(eye(5, dtype: float64) * 3, 0.0, 1e-2).SetName("a multiple of the identity");
        yield return new TestCaseData(zeros(6, 6, dtype: float64), 0.0, 1e-2).SetName("zero");
    }

    [TestCaseSource(nameof(Matrices))]
    public void HoldsEveryEigenvalueAndIsTight(Tensor matrix, double shift, double flatScale)
    {
        var eigenvalues = linalg.eigvalsh(matrix + shift * eye(matrix.shape[0], dtype: float64));
        double smallest = eigenvalues.min().item<double>(), largest = eigenvalues.max().item<double>();
        double scale = Math.Max(Math.Abs(smallest), Math.Abs(largest));

        var bounds = SpectrumBounds.Certify(matrix, shift, flatScale);

        Assert.That(bounds.Lower, Is.LessThanOrEqualTo(smallest));
        Assert.That(bounds.Upper, Is.GreaterThanOrEqualTo(largest));
        Assert.That(bounds.Largest.Value, Is.LessThanOrEqualTo(largest + 1e-12 * scale), "a Ritz value is a Rayleigh quotient");
        Assert.That(bounds.Smallest.Value, Is.GreaterThanOrEqualTo(smallest - 1e-12 * scale), "a Ritz value is a Rayleigh quotient");
        // The absolute 1e-12 is the round-off floor of a matrix without scale (zero).
        Assert.That(bounds.Upper - largest, Is.LessThanOrEqualTo(1e-3 * scale + 1e-12));
        Assert.That(smallest - bounds.Lower, Is.LessThanOrEqualTo(0.25 * Math.Max(Math.Abs(smallest), flatScale) + 1e-3 * scale + 1e-12));
        Assert.That(bounds.LanczosSteps, Is.LessThanOrEqualTo(SpectrumBounds.MaxLanczosSteps));
    }

    /// <summary>The Cholesky tests form (-)M + shift I in M's own storage; M must come back bit for bit.</summary>
    [TestCaseSource(nameof(Matrices))]
    public void LeavesTheMatrixAsItWas(Tensor matrix, double shift, double flatScale)
    {
        var before = matrix.clone();
        SpectrumBounds.Certify(matrix, shift, flatScale);
        Assert.That(matrix.eq(before).all().item<bool>(), Is.True);
    }

    public static IEnumerable<TestCaseData> Filters()
    {
        // x = h upper: monotone below 1; past 1, up to just below 2, with even and odd t (descent's phi oscillates there).
        foreach (double reach in new[] { 0.5, 1.0, 1.3, 1.9, 1.999 })
        foreach (double steps in new[] { 7.0, 8.0, 200.0 })
            yield return new TestCaseData(TrainingDynamics.Discrete, reach, steps);
        foreach (double reach in new[] { 0.5, 3.0, 400.0 })
            yield return new TestCaseData(TrainingDynamics.Continuous, reach, 50.0);
    }

    /// <summary>Every phi on a dense grid of the interval (and at its ends) lies within the range; where phi falls monotonically it is the ends' values.</summary>
    [TestCaseSource(nameof(Filters))]
    public void TheFilterRangeHoldsPhiOverTheWholeInterval(TrainingDynamics dynamics, double reach, double steps)
    {
        const double Step = 0.1;
        foreach (double lower in new[] { -1e-4, 0.0, 0.3 })
        {
            double upper = reach / Step;
            var grid = linspace(lower, upper, 20001, dtype: float64);
            var phi = SpectralFilter.Coefficients(grid, Step, steps, dynamics);
            var (smallest, largest) = SpectralFilter.RangeOver(lower, upper, Step, steps, dynamics);
            Assert.That(phi.min().item<double>(), Is.GreaterThanOrEqualTo(smallest * (1 - 1e-12)));
            Assert.That(phi.max().item<double>(), Is.LessThanOrEqualTo(largest * (1 + 1e-12)));
            if (dynamics == TrainingDynamics.Continuous || reach <= 1)
                Assert.That((smallest, largest), Is.EqualTo((phi[-1].item<double>(), phi[0].item<double>())));
        }
    }
}
