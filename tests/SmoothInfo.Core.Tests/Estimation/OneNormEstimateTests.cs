using SmoothInfo.Estimation;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Estimation;

/// <summary>Hager and Higham's 1-norm estimate against the exact 1-norm, on matrices of known, varied structure.</summary>
public sealed class OneNormEstimateTests
{
    public static IEnumerable<TestCaseData> Matrices()
    {
        using var generator = new Generator(3);
        for (int seed = 0; seed < 4; seed++)
        {
            var features = randn(80, 40, dtype: float64, generator: generator);
            var kernel = features.matmul(features.T) + 1e-3 * eye(80, dtype: float64);
            yield return new TestCaseData(linalg.inv(kernel)).SetName($"inverse of a nearly singular kernel {seed}");
        }
        yield return new TestCaseData(diag(linspace(1, 50, 50, dtype: float64))).SetName("diagonal");
        yield return new TestCaseData(full(30, 30, 2.0, dtype: float64)).SetName("constant");
        var alternating = arange(40, dtype: float64);
        yield return new TestCaseData(outer(1 - 2 * alternating.remainder(2), 1 - 2 * alternating.remainder(2)) + eye(40, dtype: float64))
            .SetName("alternating signs");
    }

    [TestCaseSource(nameof(Matrices))]
    public void IsALowerBoundWithinAFactorOfThree(Tensor matrix)
    {
        double exact = linalg.norm(matrix, 1).item<double>();
        double estimate = OneNormEstimate.Symmetric(x => matrix.matmul(x), matrix.shape[0], float64, matrix.device);
        Assert.That(estimate, Is.LessThanOrEqualTo(exact * (1 + 1e-12)));
        Assert.That(estimate, Is.GreaterThanOrEqualTo(exact / 3));
        TestContext.Out.WriteLine($"estimate {estimate:G8}, exact {exact:G8}");
    }
}
