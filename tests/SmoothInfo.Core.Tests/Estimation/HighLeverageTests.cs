using SmoothInfo.Estimation;
using SmoothInfo.Reference;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Estimation;

/// <summary>
/// A sample with a feature no other sample has: its leverage is 1 - lambda / a^2 = 1 - 1e-14, so 1 - h_i holds no correct
/// digit in float64 while the condition of lambda I + Phi^T Phi stays small. The head routes and the weight-space route (whose
/// k x k I - P_s is the same quotient) must still equal float64 brute-force retraining without each sample.
/// </summary>
public sealed class HighLeverageTests
{
    private const int Outlier = 7;
    private const double WeightDecay = 1e-12;

    /// <summary>Random features plus one column only the outlier has, value a = 10, so lambda / a^2 = 1e-14.</summary>
    private static (Tensor Features, Tensor TestFeatures, Tensor Targets, Tensor Initial) Data()
    {
        var generator = new Generator(11);
        var features = cat(new[] { randn(new long[] { 40, 6 }, float64, generator: generator), zeros(40, 1, dtype: float64) }, 1);
        features[Outlier, 6] = tensor(10.0, float64);
        var testFeatures = randn(new long[] { 5, 7 }, float64, generator: generator);
        return (features, testFeatures, randn(new long[] { 40, 3 }, float64, generator: generator), 0.1 * randn(new long[] { 40, 3 }, float64, generator: generator));
    }

    /// <summary>Retraining the linear model W phi without each sample, in weight space (y = W phi: Jacobian Phi (x) I_k).</summary>
    private static LeaveOneOutResult Retrained(Tensor features, Tensor testFeatures, Tensor targets, Tensor initial)
    {
        var identity = eye(targets.shape[1], dtype: float64);
        return WeightSpaceRetraining.Run(kron(features, identity), targets, initial, kron(testFeatures, identity),
            new TrainingRun(1, double.PositiveInfinity, WeightDecay));
    }

    private static void AssertEqualsRetraining(LeaveOneOutResult actual, LeaveOneOutResult expected)
    {
        Expect.SameLeaveOneOut(actual, expected);
        // The outlier's own values dominate the scale above; compared to themselves too.
        Expect.Close(actual.WeightChange[Outlier], expected.WeightChange[Outlier], "outlier ||dw||^2");
        Expect.Close(actual.TrainPredictionChange[Outlier], expected.TrainPredictionChange[Outlier], "outlier train change");
        Expect.Close(actual.TestPredictionChange![Outlier], expected.TestPredictionChange![Outlier], "outlier test change");
        Expect.Close(actual.LeaveOneOutPrediction[Outlier], expected.LeaveOneOutPrediction[Outlier], "outlier f_-i(x_i)");
        Assert.That(actual.Solver.Reason, Does.Contain($"1 sample(s) with 1 - h_i below").And.Contain($"#{Outlier})"));
    }

    [Test]
    public void TheLeverageIsWithinRoundingOfOne()
    {
        var (features, _, _, _) = Data();
        var gram = WeightDecay * eye(7, dtype: float64) + features.t().matmul(features);
        var others = cat(new[] { features.narrow(0, 0, Outlier), features.narrow(0, Outlier + 1, 40 - Outlier - 1) }, 0);
        var phi = features[Outlier];
        // 1 - h_i = 1 / (1 + phi_i^T C_{-i}^{-1} phi_i), exact and free of cancellation.
        double oneMinusLeverage = 1 / (1 + phi.dot(linalg.solve(WeightDecay * eye(7, dtype: float64) + others.t().matmul(others), phi)).item<double>());
        Assert.That(oneMinusLeverage, Is.EqualTo(1e-14).Within(1).Percent);
        var eigenvalues = linalg.eigvalsh(gram);
        Assert.That((eigenvalues.max() / eigenvalues.min()).item<double>(), Is.LessThan(1e4), "a small condition number: the check cannot see it");
    }

    [Test]
    public void LinearHeadEqualsRetraining()
    {
        var (features, testFeatures, targets, initial) = Data();
        var problem = new LinearHeadProblem(features, targets, initial, HasBias: false, testFeatures, zeros(5, 3, dtype: float64));
        var actual = LinearHeadLeaveOneOut.Compute(problem, new TrainingRun(1e-3, double.PositiveInfinity, WeightDecay));
        AssertEqualsRetraining(actual, Retrained(features, testFeatures, targets, initial));
    }

    [Test]
    public void FeatureSpaceEqualsRetraining()
    {
        var (features, testFeatures, targets, initial) = Data();
        var heldOut = new FeatureSpaceLeaveOneOut.HeldOutRows(5, (first, rows) => testFeatures.narrow(0, first, rows));
        var (actual, _) = FeatureSpaceLeaveOneOut.Compute(40, (first, rows) => features.narrow(0, first, rows), targets, initial,
            new[] { WeightDecay }, chunkRows: 16, heldOut: heldOut);
        AssertEqualsRetraining(actual, Retrained(features, testFeatures, targets, initial));
        Assert.That(actual.Isolation![Outlier].item<double>(), Is.NaN, "its 1 - h_i is round-off: isolation not measured");
    }

    [Test]
    public void WeightSpaceEqualsRetraining()
    {
        // A Jacobian column only the outlier's first output has: P_s of the outlier has an eigenvalue 1 - lambda / a^2.
        var (features, testFeatures, targets, initial) = Data();
        var generator = new Generator(5);
        var jacobian = cat(new[] { randn(new long[] { 120, 9 }, float64, generator: generator), zeros(120, 1, dtype: float64) }, 1);
        jacobian[3 * Outlier, 9] = tensor(10.0, float64);
        var testJacobian = randn(new long[] { 15, 10 }, float64, generator: generator);
        var run = new TrainingRun(1e-3, double.PositiveInfinity, WeightDecay);
        var actual = WeightSpaceLeaveOneOut.Compute(new JacobianSource(40, 10, (first, count) => jacobian.narrow(0, 3 * first, 3 * count)),
            targets, initial, run, new JacobianSource(5, 10, (first, count) => testJacobian.narrow(0, 3 * first, 3 * count)), blockSamples: 16);
        AssertEqualsRetraining(actual, WeightSpaceRetraining.Run(jacobian, targets, initial, testJacobian, run));
    }
}
