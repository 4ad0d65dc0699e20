using SmoothInfo.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// Exact leave-one-out at t = infinity in weight space, for Jacobians thinner than they are tall (p below n*k):
/// cost O(n k p^2 + p^3), linear in n, never forming an (nk)^2 matrix. With G = (J^T J + lambda I)^{-1}
/// (Woodbury: (J J^T + lambda I)^{-1} = (I - J G J^T) / lambda), the fitted residual e = r - J G J^T r and
/// s the rows of sample i:
/// v_i = (I - J_s G J_s^T)^{-1} e_s (= y_i - f_{-i}(x_i)); dw_i = w - w_{-i} = G J_s^T v_i.
/// The function-space identities divided through by lambda, so they also hold at lambda = 0 when J^T J is
/// invertible (the least-squares solution gradient descent converges to).
/// </summary>
public static class WeightSpaceLeaveOneOut
{
    /// <param name="jacobian">J (n*k x p), sample-major.</param>
    /// <param name="testJacobian">J_te (m*k x p), or null.</param>
    public static LeaveOneOutResult Compute(Tensor jacobian, Tensor targets, Tensor initialPredictions, Tensor? testJacobian,
        TrainingRun run, IProgress<EstimatorProgress>? progress = null, long workingMemoryBytes = EstimatorOptions.DefaultWorkingMemoryBytes)
    {
        if (!run.IsConverged)
            throw new InputException(ErrorCodes.InvalidHyperparameter,
                "the weight-space estimator computes converged runs (t = infinity) only.",
                "use the function-space estimator for a finite number of steps.");
        using var scope = NewDisposeScope();
        long n = targets.shape[0], k = targets.shape[1], p = jacobian.shape[1];
        var dtype = jacobian.dtype;
        var residual = (targets - initialPredictions).reshape(n * k);

        progress?.Report(new EstimatorProgress("weight-space Gram matrix", 0));
        var gram = jacobian.T.matmul(jacobian);                                   // J^T J, (p, p)
        var regularized = gram.clone();
        using (var diagonal = regularized.diagonal()) diagonal.add_(run.WeightDecay);
        var (factor, info) = linalg.cholesky_ex(regularized);
        if (info.ToInt64() != 0)
            throw new InputException(ErrorCodes.SingularSystem,
                "J^T J + lambda I is singular: without weight decay some weight direction is never pinned down by the data.",
                "add weight decay (e.g. weight-decay: 1e-3).");
        var inverse = cholesky_inverse(factor);                                    // G
        double condition = Conditioning.SymmetricOneNorm(regularized) * Conditioning.SymmetricOneNorm(inverse);
        ConditionCheck.Require(condition, dtype, run.WeightDecay);

        var weights = inverse.matmul(jacobian.T.matmul(residual));                // w - w0
        var fittedResidual = (residual - jacobian.matmul(weights)).view(n, k);    // e
        var testGram = testJacobian is null ? null : testJacobian.T.matmul(testJacobian);
        long m = testJacobian is null ? 0 : testJacobian.shape[0] / k;

        var weightChange = empty(n, dtype: dtype);
        var trainChange = empty(n, dtype: dtype);
        var testChange = testGram is null ? null : empty(n, dtype: dtype);
        var looResidual = empty(n, k, dtype: dtype);
        long chunk = Math.Max(1, workingMemoryBytes / (k * p * 8 * 3)); // J_s, J_s G and products per sample
        var identity = eye(k, dtype: dtype);
        for (long first = 0; first < n; first += chunk)
        {
            using var chunkScope = NewDisposeScope();
            long b = Math.Min(chunk, n - first);
            var rows = jacobian.narrow(0, first * k, b * k).view(b, k, p);         // J_s for each sample
            var projected = rows.matmul(inverse);                                  // J_s G, (b, k, p)
            var leverage = projected.bmm(rows.transpose(1, 2));                    // J_s G J_s^T, (b, k, k)
            var v = linalg.solve(identity - leverage, fittedResidual.narrow(0, first, b).unsqueeze(-1)).squeeze(-1);
            var delta = projected.transpose(1, 2).bmm(v.unsqueeze(-1)).squeeze(-1); // dw = G J_s^T v, (b, p)

            weightChange.narrow(0, first, b).copy_(delta.square().sum(1));
            // Other samples' predictions move by J dw; their squared sum is dw^T J^T J dw minus sample i's own rows.
            var all = (delta.matmul(gram) * delta).sum(1);
            var own = rows.bmm(delta.unsqueeze(-1)).squeeze(-1).square().sum(1);
            trainChange.narrow(0, first, b).copy_((all - own) / (n - 1));
            if (testGram is not null) testChange!.narrow(0, first, b).copy_((delta.matmul(testGram) * delta).sum(1) / m);
            looResidual.narrow(0, first, b).copy_(v);
            progress?.Report(new EstimatorProgress("per-sample quantities", (double)(first + b) / n));
        }
        var solver = new SolverReport("weight-space",
            $"t = infinity with p = {p} parameters below n*k = {n * k}: one (p x p) factorization, cost linear in n",
            condition, dtype.ToString().ToLowerInvariant());
        return new LeaveOneOutResult(weightChange, trainChange, testChange, targets - looResidual, m, solver).MoveToOuter();
    }
}
