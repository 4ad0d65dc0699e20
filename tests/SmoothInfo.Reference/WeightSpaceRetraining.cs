using SmoothInfo.Estimation;
using SmoothInfo.Policy.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Reference;

/// <summary>
/// The slow twin of the estimator: trains the linearized model f(x) = f0(x) + J(x) w in weight space,
/// once on all samples and once without each sample, literally as the training run says (gradient
/// descent steps one by one, gradient flow through a matrix exponential, or the converged solution),
/// and measures the changes directly. No kernel identity is used.
/// </summary>
public static class WeightSpaceRetraining
{
    /// <param name="jacobian">J, sample-major (n*k x d).</param>
    /// <param name="testJacobian">J_te (m*k x d), or null.</param>
    public static LeaveOneOutResult Run(Tensor jacobian, Tensor targets, Tensor initialPredictions,
        Tensor? testJacobian, TrainingRun run)
    {
        long n = targets.shape[0], k = targets.shape[1];
        var residual = (targets - initialPredictions).reshape(n * k);
        var weights = Train(jacobian, residual, run.LearningRate, run);
        var weightChange = new double[n];
        var trainChange = new double[n];
        var testChange = new double[n];
        var looPrediction = zeros(n, k, dtype: float64);
        for (long i = 0; i < n; i++)
        {
            var kept = KeptRows(n, k, i);
            var looWeights = Train(jacobian.index_select(0, kept), residual.index_select(0, kept), run.LeaveOneOutLearningRate(n), run);
            var delta = weights - looWeights;
            weightChange[i] = delta.dot(delta).item<double>();
            var otherChange = jacobian.index_select(0, kept).matmul(delta);
            trainChange[i] = otherChange.dot(otherChange).item<double>() / (n - 1);
            if (testJacobian is not null)
            {
                var change = testJacobian.matmul(delta);
                testChange[i] = change.dot(change).item<double>() / (testJacobian.shape[0] / k);
            }
            looPrediction[i] = initialPredictions[i] + jacobian.narrow(0, i * k, k).matmul(looWeights);
        }
        return new LeaveOneOutResult(tensor(weightChange), tensor(trainChange),
            testJacobian is null ? null : tensor(testChange), looPrediction,
            testJacobian is null ? 0 : testJacobian.shape[0] / k, new SolverReport("weight-space retraining", "reference", null, "float64"));
    }

    /// <summary>w - w0 after training on (J, r) with step h.</summary>
    public static Tensor Train(Tensor jacobian, Tensor residual, double step, TrainingRun run)
    {
        long d = jacobian.shape[1];
        var hessian = jacobian.T.matmul(jacobian) + run.WeightDecay * eye(d, dtype: float64);
        var gradientAtZero = jacobian.T.matmul(residual);
        if (run.IsConverged)
        {
            // Gradient descent from w0 stays in the row space of J: with no weight decay it converges to the
            // minimum-norm interpolant, i.e. the pseudo-inverse solution.
            return run.WeightDecay > 0 ? linalg.solve(hessian, gradientAtZero) : linalg.pinv(jacobian).matmul(residual);
        }
        if (run.Dynamics == TrainingDynamics.Discrete)
        {
            var w = zeros(d, dtype: float64);
            for (long t = 0; t < (long)run.Steps; t++)
                w = w - step * (hessian.matmul(w) - gradientAtZero);
            return w;
        }
        // Gradient flow w' = -h (H w - g), w(0) = 0: the last column of expm(t [[-hH, hg], [0, 0]]).
        var generator = zeros(d + 1, d + 1, dtype: float64);
        generator[TensorIndex.Slice(0, d), TensorIndex.Slice(0, d)] = -step * hessian;
        generator[TensorIndex.Slice(0, d), d] = step * gradientAtZero;
        return linalg.matrix_exp(generator * run.Steps)[TensorIndex.Slice(0, d), d];
    }

    private static Tensor KeptRows(long n, long k, long sample) =>
        tensor(Enumerable.Range(0, (int)(n * k)).Where(r => r / k != sample).Select(r => (long)r).ToArray());
}
