using TorchSharp;
using SmoothInfo.Diagnostics;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// Per-sample weight-space quantities of a block of b samples: J_s (b, k, D), P_s (b, k, k), v (b, k, 1), dw (b, D); and the
/// samples whose I - P_s was within rounding of singular, solved again without them (<see cref="HighLeverageRefit"/>).
/// </summary>
internal sealed record WeightSpaceBlock(Tensor Jacobian, Tensor P, Tensor V, Tensor WeightChange, long[] Refitted);

/// <summary>
/// The converged weight-space fit shared by the weight-space estimators: M = lambda I + J^T J (also the Hessian H of the
/// regularized squared loss), its Cholesky factor, and w = M^{-1} J^T r; then, block by block, v_i and
/// dw_i = w - w_{-i} = M^{-1} J_s^T v_i. Its tensors belong to the caller's dispose scope.
/// </summary>
internal sealed class WeightSpaceFit
{
    private readonly JacobianSource _train;
    private readonly long _blockSamples;

    private WeightSpaceFit(JacobianSource train, Tensor residual, Tensor hessian, Tensor factor, Tensor weights, long outputs, double condition,
        long blockSamples, double weightDecay)
    {
        WeightDecay = weightDecay;
        _train = train;
        _blockSamples = blockSamples;
        Residual = residual;
        Hessian = hessian;
        Factor = factor;
        Weights = weights;
        Outputs = outputs;
        Condition = condition;
    }

    public long Samples => _train.Samples;
    public double WeightDecay { get; }
    public long Outputs { get; }

    /// <summary>Residual targets r = y - f0, sample-major, (n k).</summary>
    public Tensor Residual { get; }

    /// <summary>M = H = lambda I + J^T J, (D, D).</summary>
    public Tensor Hessian { get; }

    public Tensor Factor { get; }

    /// <summary>w - w0 after training to convergence, (D, 1).</summary>
    public Tensor Weights { get; }

    /// <summary>Condition of M, which bounds the accuracy of the weight-space path.</summary>
    public double Condition { get; }

    public static WeightSpaceFit Create(JacobianSource train, Tensor targets, Tensor initialPredictions, TrainingRun run, long blockSamples)
    {
        if (!run.IsConverged || !(run.WeightDecay > 0))
            throw new InputException(ErrorCodes.InvalidHyperparameter,
                $"the weight-space path needs t = infinity and weight decay > 0 (got steps {run.Steps}, weight decay {run.WeightDecay}).",
                "use the function-space estimator for finite t or no weight decay.");
        long n = train.Samples, k = targets.shape[1], dim = train.Dimension;
        if (n < 2) throw new InputException(ErrorCodes.TooFewSamples, $"leave-one-out needs at least 2 samples (got {n}).");
        var dtype = targets.dtype;
        var residual = (targets - initialPredictions).reshape(n * k);
        var hessian = run.WeightDecay * eye(dim, dtype: dtype, device: targets.device);
        var projectedResidual = zeros(new[] { dim, 1L }, dtype, targets.device);
        // M and J^T r are sums over samples: built block by block, exactly.
        WeightSpaceLeaveOneOut.ForBlocks(n, blockSamples, (first, count) =>
        {
            var rows = train.Rows(first, count);
            hessian.addmm_(rows.t(), rows, beta: 1, alpha: 1);
            projectedResidual.addmm_(rows.t(), residual.narrow(0, first * k, count * k).unsqueeze(1), beta: 1, alpha: 1);
        });
        var eigenvalues = linalg.eigvalsh(hessian);
        double condition = eigenvalues.max().ToDouble() / eigenvalues.min().ToDouble();
        StepSizeCheck.RequireBelowLimit(eigenvalues.max().ToDouble(), run, n);
        ConditionCheck.Require(condition, dtype, run);
        var factor = linalg.cholesky(hessian);
        return new WeightSpaceFit(train, residual, hessian, factor, cholesky_solve(projectedResidual, factor), k, condition, blockSamples,
            run.WeightDecay);
    }

    /// <summary>
    /// v_i = (I - P_s)^{-1} (r_s - J_s w) and dw_i = Z_s^T v_i with Z_s = J_s M^{-1}, P_s = Z_s J_s^T. A sample whose largest
    /// eigenvalue of P_s (its leverage) leaves 1 - h below the rounding tolerance has v_i solved again without it.
    /// </summary>
    public void ForEachBlock(Action<long, long, WeightSpaceBlock> body)
    {
        long k = Outputs, dim = _train.Dimension;
        double tolerance = HighLeverageRefit.Tolerance(Condition, Residual.dtype);
        using var identity = eye(k, dtype: Residual.dtype, device: Residual.device);
        WeightSpaceLeaveOneOut.ForBlocks(Samples, _blockSamples, (first, count) =>
        {
            var rows = _train.Rows(first, count);                                           // (b k, D)
            var z = cholesky_solve(rows.t(), Factor).t().reshape(count, k, dim);          // Z_s
            var j = rows.reshape(count, k, dim);
            var p = z.bmm(j.transpose(1, 2));                                               // P_s, (b, k, k)
            var r = Residual.narrow(0, first * k, count * k).reshape(count, k);
            var a = r - rows.matmul(Weights).reshape(count, k);                             // r_s - J_s w
            var v = linalg.solve(identity - p, a.unsqueeze(-1));                          // (b, k, 1)
            var refitted = HighLeverageRefit.Untrusted(linalg.eigvalsh(p).select(1, k - 1), tolerance, first).ToArray();
            if (refitted.Length > 0)
            {
                var refit = HighLeverageRefit.Build(Samples, _train.Rows, Residual.view(Samples, k, 1), refitted, _blockSamples);
                v.index_copy_(0, tensor(refitted.Select(i => i - first).ToArray(), ScalarType.Int64, v.device), refit.Residuals(WeightDecay));
            }
            var dw = z.transpose(1, 2).bmm(v).squeeze(-1);                                 // (b, D)
            body(first, count, new WeightSpaceBlock(j, p, v, dw, refitted));
        });
    }
}
