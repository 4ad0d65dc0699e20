using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// The sufficient statistics of a linear output layer on features: C = Phi^T Phi (m x m) and Phi^T r (m x k), sums over
/// samples, so the sums of disjoint ranges add up to the sum of their union (sharded runs add them in shard order).
/// Its tensors belong to the caller's dispose scope.
/// </summary>
public sealed record FeatureSums(Tensor Gram, Tensor Moment)
{
    /// <summary>The sums over samples [first, first + count), a chunk of rows at a time.</summary>
    /// <param name="features">phi of rows [first, first + count) of the inputs, (count, m).</param>
    /// <param name="residual">r of every sample, (n, k).</param>
    public static FeatureSums Accumulate(Func<long, long, Tensor> features, Tensor residual, long first, long count, long chunkRows)
    {
        Tensor? gram = null, moment = null;
        SampleChunks.ForEach(first, count, chunkRows, (start, rows) =>
        {
            var phi = features(start, rows);
            var r = residual.narrow(0, start, rows);
            if (gram is null)
            {
                gram = zeros(new[] { phi.shape[1], phi.shape[1] }, phi.dtype, phi.device).MoveToOuterDisposeScope();
                moment = zeros(new[] { phi.shape[1], residual.shape[1] }, phi.dtype, phi.device).MoveToOuterDisposeScope();
            }
            gram.addmm_(phi.t(), phi, beta: 1, alpha: 1);
            moment!.addmm_(phi.t(), r, beta: 1, alpha: 1);
        });
        return new FeatureSums(gram!, moment!);
    }

    /// <summary>The sums of several ranges, added in the order given (shard order: the same file set gives the same bits).</summary>
    public static FeatureSums Total(IReadOnlyList<FeatureSums> parts)
    {
        var gram = parts[0].Gram.clone();
        var moment = parts[0].Moment.clone();
        foreach (var part in parts.Skip(1))
        {
            gram.add_(part.Gram);
            moment.add_(part.Moment);
        }
        return new FeatureSums(gram, moment);
    }
}
