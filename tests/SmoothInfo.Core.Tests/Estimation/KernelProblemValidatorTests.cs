using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Estimation;

public sealed class KernelProblemValidatorTests
{
    private static readonly TrainingRun Converged = new(0.1, double.PositiveInfinity, 0.01);

    private static KernelProblem Symmetric(long n, long k)
    {
        var j = randn(new long[] { n * k, 8 }, dtype: float64, generator: new Generator().manual_seed(3));
        return new KernelProblem(j.matmul(j.T), zeros(n, k, dtype: float64), zeros(n, k, dtype: float64));
    }

    [TestCase(700, 3)]
    [TestCase(3, 700)]
    [TestCase(1030, 1029)]
    public void AsymmetryAnywhereIsFoundAndLocated(long row, long column)
    {
        var problem = Symmetric(n: 1031, k: 1);
        problem.TrainKernel[row, column] += 1e-3;
        var e = Assert.Throws<InputException>(() => KernelProblemValidator.Validate(problem, Converged))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.KernelNotSymmetric));
        var (low, high) = (Math.Min(row, column), Math.Max(row, column));
        Assert.That(e.Message, Does.Contain($"({low}, {high})").Or.Contain($"({high}, {low})"));
    }

    [TestCase(700, 3)]
    [TestCase(3, 700)]
    [TestCase(1030, 1030)]
    public void ANonFiniteKernelEntryAnywhereIsFoundAndLocated(long row, long column)
    {
        var problem = Symmetric(n: 1031, k: 1);
        problem.TrainKernel[row, column] = tensor(double.NaN);
        var e = Assert.Throws<InputException>(() => KernelProblemValidator.Validate(problem, Converged))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.NonFiniteValue));
        Assert.That(e.Message, Does.Contain($"row {row} (sample {row}, output 0), column {column}"));
    }

    [Test]
    public void RoundOffAsymmetryIsAccepted()
    {
        var problem = Symmetric(n: 600, k: 1);
        problem.TrainKernel[5, 550] *= 1 + 1e-14;
        Assert.DoesNotThrow(() => KernelProblemValidator.Validate(problem, Converged));
    }

    [Test]
    public void InfinityIsReportedWithItsSampleAndOutput()
    {
        var problem = Symmetric(n: 4, k: 3);
        problem.InitialPredictions[2, 1] = tensor(double.PositiveInfinity);
        var e = Assert.Throws<InputException>(() => KernelProblemValidator.Validate(problem, Converged))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.NonFiniteValue));
        Assert.That(e.Message, Does.Contain("sample 2, output 1"));
    }

    [Test]
    public void AKernelWhoseSizeIsNotAMultipleOfKIsNamed()
    {
        var problem = Symmetric(n: 4, k: 3) with { Targets = zeros(5, 2, dtype: float64), InitialPredictions = zeros(5, 2, dtype: float64) };
        var e = Assert.Throws<InputException>(() => KernelProblemValidator.Validate(problem, Converged))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.ShapeMismatch));
        Assert.That(e.Message, Does.Contain("k = 2"));
    }

    [Test]
    public void AHeldOutKernelWithoutItsPredictionsIsRejected()
    {
        var problem = Symmetric(n: 4, k: 1) with { TestKernel = zeros(2, 4, dtype: float64) };
        var e = Assert.Throws<InputException>(() => KernelProblemValidator.Validate(problem, Converged))!;
        Assert.That(e.Fix, Does.Contain("--test-init-preds"));
    }
}
