using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// Per-sample quantities from coefficients, for paths that compute the leave-one-out coefficients
/// themselves (finite t). With c the coefficients on all n samples and c^{-i} those without sample i
/// (zeros on i's rows), dc = c - c^{-i}, and: ||dw||^2 = dc^T Theta dc; prediction changes Theta dc
/// (train) and Theta_te dc (held out); f_{-i}(x_i) = f0_i + Theta[s_i, :] c^{-i}.
/// </summary>
public static class LeaveOneOutQuantities
{
    /// <param name="kernel">Theta without weight decay (N x N).</param>
    /// <param name="coefficients">c, on all samples (N).</param>
    /// <param name="fitted">Theta c, the trained change of the training predictions (N), computed once by the caller.</param>
    /// <param name="looCoefficients">c^{-i} for samples first .. first+b-1, one per column (N x b).</param>
    /// <param name="initialPredictions">f0 (n x k).</param>
    public static Chunk FromCoefficients(Tensor kernel, Tensor? testKernel, Tensor coefficients, Tensor fitted,
        Tensor looCoefficients, Tensor initialPredictions, long first)
    {
        using var scope = NewDisposeScope();
        long n = initialPredictions.shape[0], k = initialPredictions.shape[1], b = looCoefficients.shape[1];
        var delta = coefficients.unsqueeze(1) - looCoefficients;
        var kernelDelta = kernel.matmul(delta);
        var weightChange = (delta * kernelDelta).sum(dim: 0);

        var chunkIndex = arange(b, ScalarType.Int64, delta.device);
        var ownSample = chunkIndex + first;
        var perSample = kernelDelta.view(n, k, b).square().sum(1);
        perSample.index_put_(zeros(1, perSample.dtype, perSample.device), TensorIndex.Tensor(ownSample), TensorIndex.Tensor(chunkIndex));
        var trainChange = perSample.sum(dim: 0) / (n - 1);

        Tensor? testChange = null;
        if (testKernel is not null)
        {
            long m = testKernel.shape[0] / k;
            testChange = testKernel.matmul(delta).view(m, k, b).square().sum(new long[] { 0, 1 }) / m;
        }

        // f_{-i}(x_i) = f0_i + Theta[s_i,:] c^{-i} = f0_i + (Theta c)[s_i] - (Theta dc)[s_i].
        var ownChange = kernelDelta.view(n, k, b).index_select(0, ownSample).diagonal(0, 0, 2).T;
        var looPrediction = initialPredictions.index_select(0, ownSample) + fitted.view(n, k).index_select(0, ownSample) - ownChange;

        return new Chunk(weightChange, trainChange, testChange, looPrediction).MoveToOuter();
    }

    /// <summary>The quantities of a contiguous run of samples.</summary>
    public sealed record Chunk(Tensor WeightChange, Tensor TrainPredictionChange, Tensor? TestPredictionChange, Tensor LeaveOneOutPrediction)
    {
        /// <summary>Hands the tensors to the enclosing dispose scope.</summary>
        public Chunk MoveToOuter()
        {
            Tensors.MoveToOuterScope(WeightChange, TrainPredictionChange, TestPredictionChange, LeaveOneOutPrediction);
            return this;
        }
    }

    /// <summary>Concatenates chunks in sample order into a result.</summary>
    public static LeaveOneOutResult Combine(IReadOnlyList<Chunk> chunks, long testSampleCount, SolverReport solver) =>
        new(cat(chunks.Select(c => c.WeightChange).ToList(), 0),
            cat(chunks.Select(c => c.TrainPredictionChange).ToList(), 0),
            chunks[0].TestPredictionChange is null ? null : cat(chunks.Select(c => c.TestPredictionChange!).ToList(), 0),
            cat(chunks.Select(c => c.LeaveOneOutPrediction).ToList(), 0),
            testSampleCount, solver);
}
