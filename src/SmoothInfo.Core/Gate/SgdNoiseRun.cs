using System.Globalization;
using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Gate;

/// <summary>
/// The policy's <c>weight-si-sgd</c>: weight SI with the converged weights smoothed by the stationary covariance of SGD
/// noise (<see cref="SgdNoiseWeightSI"/>) at noise scale learning rate / batch size, on the Jacobian the gate linearizes
/// (exact, or the policy's projection).
/// </summary>
public static class SgdNoiseRun
{
    /// <summary>
    /// The Lyapunov solve holds about six D x D float64 matrices (Hessian, covariance, eigenbasis, rotations, Sigma,
    /// its factor): 800 MB at D = 4096, the most a 2-core CI machine shared with others should be asked for.
    /// </summary>
    public const long MaxParameters = 4096;

    /// <param name="at">Where 'estimator.measures' is written: every refusal points there.</param>
    public static Tensor Measure(Sequential network, ParameterSelection selection, JacobianProjection? projection, Tensor inputs, Tensor targets,
        Tensor initialPredictions, TrainingRun run, int batchSize, SourceLocation at)
    {
        var rows = projection is null ? JacobianRows.Exact(network, selection) : JacobianRows.Projected(network, selection, projection);
        if (rows.Dimension > MaxParameters)
            throw new InputException(ErrorCodes.InvalidHyperparameter,
                string.Create(CultureInfo.InvariantCulture,
                    $"'estimator.measures' has weight-si-sgd, whose SGD noise covariance is a dense D x D matrix; this network linearizes D = {rows.Dimension} parameters, above the {MaxParameters} this tool solves for."),
                string.Create(CultureInfo.InvariantCulture,
                    $"linearize fewer parameters ('model.linearize: 1'), project the Jacobian ('estimator.kernel.projection: {{ kind: sparse-sign, dimension: {MaxParameters} }}'), or remove weight-si-sgd."),
                at);
        var source = new JacobianSource(inputs.shape[0], rows.Dimension, (first, count) => rows.Rows(inputs.narrow(0, first, count)));
        return SgdNoiseWeightSI.Compute(source, targets, initialPredictions, run, run.LearningRate / batchSize, location: at);
    }
}
