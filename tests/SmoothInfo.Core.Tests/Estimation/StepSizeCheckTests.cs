using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Policy.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Estimation;

/// <summary>The step-size screens against the exact condition h * lambda_max(Theta + lambda I) &lt; 2 (from eigvalsh).</summary>
public sealed class StepSizeCheckTests
{
    private const double WeightDecay = 0.01;

    /// <summary>A dense kernel whose 1-norm is far above lambda_max (as for real NTKs), so the 1-norm screen cannot decide.</summary>
    private static Tensor DenseKernel(long size = 300, int seed = 4)
    {
        var jacobian = randn(new long[] { size, size / 3 }, dtype: float64, generator: new Generator().manual_seed(seed)) / Math.Sqrt(size / 3.0);
        return jacobian.matmul(jacobian.T);
    }

    private static double LargestEigenvalue(Tensor kernel) => linalg.eigvalsh(kernel).max().ToDouble() + WeightDecay;

    [TestCase(0.3)]
    [TestCase(0.6)]
    public void LanczosPassesAClearlySafeStep(double fractionOfLimit)
    {
        var kernel = DenseKernel();
        double largest = LargestEigenvalue(kernel);
        Assert.That(Conditioning.SymmetricOneNorm(kernel) * 2 * fractionOfLimit / largest, Is.GreaterThan(2), "the 1-norm screen must not decide");

        var verdict = StepSizeCheck.Decide(kernel, WeightDecay, 2 * fractionOfLimit / largest, allowProbabilisticPass: true);

        Assert.That(verdict, Is.EqualTo(new StepVerdict(true, verdict.LargestEigenvalue, StepCheckMethod.Lanczos)));
        Assert.That(verdict.LargestEigenvalue, Is.InRange(0.99 * largest, largest * (1 + 1e-12)), "a Ritz value: a lower bound");
    }

    [TestCase(1.05)]
    [TestCase(3.0)]
    public void LanczosRejectsAClearlyDivergentStepWithAnAccurateEigenvalue(double fractionOfLimit)
    {
        var kernel = DenseKernel();
        double largest = LargestEigenvalue(kernel);
        foreach (bool allowPass in new[] { true, false })
        {
            var verdict = StepSizeCheck.Decide(kernel, WeightDecay, 2 * fractionOfLimit / largest, allowPass);
            Assert.That(verdict.Converges, Is.False);
            Assert.That(verdict.DecidedBy, Is.EqualTo(allowPass ? StepCheckMethod.Lanczos : StepCheckMethod.Cholesky));
            Assert.That(verdict.LargestEigenvalue, Is.EqualTo(largest).Within(1e-4).Percent);
        }
    }

    [TestCase(0.999)]
    [TestCase(0.99999)]
    public void JustBelowTheLimitTheCholeskyDecides(double fractionOfLimit)
    {
        var kernel = DenseKernel();
        var verdict = StepSizeCheck.Decide(kernel, WeightDecay, 2 * fractionOfLimit / LargestEigenvalue(kernel), allowProbabilisticPass: true);
        Assert.That((verdict.Converges, verdict.DecidedBy), Is.EqualTo((true, StepCheckMethod.Cholesky)));
    }

    [Test]
    public void JustAboveTheLimitTheStepIsRefused()
    {
        var kernel = DenseKernel();
        var verdict = StepSizeCheck.Decide(kernel, WeightDecay, 2 * 1.00001 / LargestEigenvalue(kernel), allowProbabilisticPass: true);
        // Lanczos refuses once its Ritz value (a lower bound) clears the limit, else the Cholesky does.
        Assert.That(verdict.Converges, Is.False, verdict.ToString());
    }

    [Test]
    public void FiniteRunsNeverPassOnLanczosAlone()
    {
        var kernel = DenseKernel();
        var verdict = StepSizeCheck.Decide(kernel, WeightDecay, 0.5 / LargestEigenvalue(kernel), allowProbabilisticPass: false);
        Assert.That((verdict.Converges, verdict.DecidedBy), Is.EqualTo((true, StepCheckMethod.Cholesky)));
    }

    [Test]
    public void ADiagonallyDominantKernelPassesOnItsOneNorm()
    {
        var kernel = eye(50, dtype: float64) * 2 + 0.01 * DenseKernel(50);
        var verdict = StepSizeCheck.Decide(kernel, WeightDecay, 0.5, allowProbabilisticPass: true);
        Assert.That((verdict.Converges, verdict.DecidedBy), Is.EqualTo((true, StepCheckMethod.OneNorm)));
    }

    [Test]
    public void AgreesWithTheExactConditionOverASweepOfSteps()
    {
        foreach (int seed in new[] { 1, 2, 3 })
        {
            var kernel = DenseKernel(120, seed);
            double largest = LargestEigenvalue(kernel);
            foreach (double fraction in new[] { 0.1, 0.5, 0.9, 0.99, 0.9999, 1.0001, 1.01, 1.5, 10 })
            {
                double step = 2 * fraction / largest;
                var verdict = StepSizeCheck.Decide(kernel, WeightDecay, step, allowProbabilisticPass: true);
                Assert.That(verdict.Converges, Is.EqualTo(step * largest < 2), $"seed {seed}, h * lambda_max / 2 = {fraction}: {verdict}");
            }
        }
    }

    [Test]
    public void AClosedFormRunWithADivergentStepIsRefusedWithTheLargestUsableStep()
    {
        var model = RandomLinearizedModel.Create(n: 40, k: 3, d: 60, m: 2, seed: 3);
        var problem = model.Problem(withTestSet: false);
        double largest = LargestEigenvalue(problem.TrainKernel);
        var run = new TrainingRun(3 / largest, double.PositiveInfinity, WeightDecay, Loss: LossReduction.Sum);

        var error = Assert.Throws<InputException>(() => LeaveOneOutEstimator.Estimate(problem, run))!;

        Assert.That(error.Code, Is.EqualTo(ErrorCodes.GradientDescentDiverges));
        Assert.That(error.Fix, Does.Contain($"lower --learning-rate below {2 / largest:G3}"));
    }

    // Finite t checks the step on the eigenvalues its methods compute: exact on both sides of the limit.
    [TestCase(FiniteTimeMethod.Auto)]
    [TestCase(FiniteTimeMethod.BatchedIteration)]
    [TestCase(FiniteTimeMethod.Chebyshev)]
    [TestCase(FiniteTimeMethod.Spectral)]
    public void AFiniteRunIsRefusedExactlyAboveTheLimit(FiniteTimeMethod method)
    {
        var model = RandomLinearizedModel.Create(n: 12, k: 3, d: 60, m: 2, seed: 4);
        var problem = model.Problem(withTestSet: false);
        double largest = LargestEigenvalue(problem.TrainKernel);
        var options = new EstimatorOptions(FiniteTimeMethod: method);

        var above = new TrainingRun(2.002 / largest, 30, WeightDecay, Loss: LossReduction.Sum);
        var error = Assert.Throws<InputException>(() => LeaveOneOutEstimator.Estimate(problem, above, options))!;
        Assert.That(error.Code, Is.EqualTo(ErrorCodes.GradientDescentDiverges));
        Assert.That(error.Fix, Does.Contain($"lower --learning-rate below {2 / largest:G3}"));

        var below = new TrainingRun(1.998 / largest, 30, WeightDecay, Loss: LossReduction.Sum);
        Assert.That(LeaveOneOutEstimator.Estimate(problem, below, options).WeightChange.isfinite().all().ToBoolean(), Is.True);
    }
}
