using SmoothInfo.Diagnostics;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// The paper's full weight SI for small models: the trained weights smoothed with the stationary covariance Sigma of
/// SGD noise instead of sigma^2 I, SI_i = 1/2 dw_i^T Sigma^{-1} dw_i nats, where Sigma solves the Lyapunov equation
/// H Sigma + Sigma H = s C with H = J^T J + lambda I (the Hessian of the regularized squared loss of the linearized
/// model), C the covariance over samples of the per-sample loss gradients g_i = J_i^T (f_t(x_i) - y_i) at the trained
/// weights, and s = learning rate / batch size (the SGD noise scale). H is symmetric positive definite, so with
/// H = U diag(mu) U^T the solution is Sigma = U [(U^T C U)_ab / (mu_a + mu_b)] U^T. Needs D x D dense matrices: d up to
/// a few thousand (or a projection). t = infinity with weight decay, as the weight-space estimator.
/// </summary>
public static class SgdNoiseWeightSI
{
    /// <param name="location">Where the measure was asked for (the policy's key), for the singular-covariance error.</param>
    public static Tensor Compute(JacobianSource train, Tensor targets, Tensor initialPredictions, TrainingRun run, double noiseScale,
        long blockSamples = WeightSpaceLeaveOneOut.DefaultBlockSamples, SourceLocation? location = null)
    {
        if (!(noiseScale > 0) || double.IsInfinity(noiseScale))
            throw new InputException(ErrorCodes.InvalidHyperparameter, $"the SGD noise scale (learning rate / batch size) must be positive (got {noiseScale}).");
        using var scope = NewDisposeScope();
        var fit = WeightSpaceFit.Create(train, targets, initialPredictions, run, blockSamples);
        var sigma = StationaryCovariance(fit, train, noiseScale, blockSamples);
        var (factor, info) = linalg.cholesky_ex(sigma);
        if (info.item<int>() != 0)
            throw new InputException(ErrorCodes.SingularSystem,
                "the SGD noise covariance is singular: the per-sample gradients do not span every linearized direction " +
                $"({train.Samples} samples for {train.Dimension} parameters), so Sigma^-1 does not exist.",
                "linearize fewer parameters (e.g. the last layer), project the Jacobian, or use isotropic smoothing (weight SI with sigma).", location);
        var information = empty(fit.Samples, dtype: targets.dtype);
        fit.ForEachBlock((first, count, block) =>
        {
            var dw = block.WeightChange;                                                     // (b, D)
            var whitened = cholesky_solve(dw.t(), factor);                                  // Sigma^-1 dw^T
            information.narrow(0, first, count).copy_((dw * whitened.t()).sum(1) * 0.5);
        });
        return information.MoveToOuterDisposeScope();
    }

    /// <summary>Sigma with H Sigma + Sigma H = s C, C the per-sample gradient covariance at the trained weights.</summary>
    internal static Tensor StationaryCovariance(WeightSpaceFit fit, JacobianSource train, double noiseScale, long blockSamples)
    {
        var covariance = GradientCovariance(fit, train, blockSamples);
        var (mu, basis) = linalg.eigh(fit.Hessian);
        var rotated = basis.t().matmul(covariance).matmul(basis) * noiseScale;
        var solved = rotated / (mu.unsqueeze(0) + mu.unsqueeze(1));
        var sigma = basis.matmul(solved).matmul(basis.t());
        return (sigma + sigma.t()) * 0.5;   // symmetric up to rounding; make it exactly so for the Cholesky factorization
    }

    /// <summary>C = mean of g_i g_i^T minus the outer square of the mean, g_i = J_i^T (f_t(x_i) - y_i), summed in blocks.</summary>
    internal static Tensor GradientCovariance(WeightSpaceFit fit, JacobianSource train, long blockSamples)
    {
        long n = fit.Samples, k = fit.Outputs, dim = train.Dimension;
        var dtype = fit.Hessian.dtype;
        var secondMoment = zeros(new[] { dim, dim }, dtype, fit.Hessian.device);
        var sum = zeros(new[] { dim }, dtype, fit.Hessian.device);
        WeightSpaceLeaveOneOut.ForBlocks(n, blockSamples, (first, count) =>
        {
            var rows = train.Rows(first, count).reshape(count, k, dim);
            var error = rows.matmul(fit.Weights).squeeze(-1) - fit.Residual.narrow(0, first * k, count * k).reshape(count, k); // f_t - y
            var gradients = rows.transpose(1, 2).bmm(error.unsqueeze(-1)).squeeze(-1);                                       // (b, D)
            secondMoment.addmm_(gradients.t(), gradients, beta: 1, alpha: 1);
            sum.add_(gradients.sum(dim: 0));   // not sum(0): a literal 0 converts to ScalarType and sums everything
        });
        var mean = sum / n;
        return secondMoment / n - outer(mean, mean);
    }
}
