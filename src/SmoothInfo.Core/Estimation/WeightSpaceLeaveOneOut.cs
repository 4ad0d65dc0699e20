using TorchSharp;
using SmoothInfo.Diagnostics;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// Rows of a Jacobian, sample-major, produced a block of samples at a time: <c>Rows(first, count)</c> returns the
/// (count*k, D) rows of samples first .. first+count-1.
/// </summary>
public sealed record JacobianSource(long Samples, long Dimension, Func<long, long, Tensor> Rows);

/// <summary>
/// Exact leave-one-out at t = infinity in weight space for any Jacobian of D columns (all d parameters of a small
/// model, or a projection to p): by Woodbury, with M = lambda I + J^T J (D x D, summed over sample blocks),
/// w = M^{-1} J^T r and, for sample i with rows J_s and Z_s = J_s M^{-1}, P_s = Z_s J_s^T:
///   v_i = (I - P_s)^{-1} (r_s - J_s w)                      (= B_ss^{-1} a_s of the function-space closed form)
///   dw_i = Z_s^T v_i,  ||dw_i||^2                            (weight change)
///   sum over j != i of ||(Theta dc_i)_j||^2 = v^T P_s v - lambda ||dw||^2 - ||J_s dw||^2
///   ||Theta_te dc_i||^2 = dw^T (J_te^T J_te) dw.
/// Cost O(n k D^2 + D^3), memory O(D^2 + block k D): linear in n. Same definitions as <see cref="ClosedFormLeaveOneOut"/>.
/// </summary>
public static class WeightSpaceLeaveOneOut
{
    public const long DefaultBlockSamples = 256;

    public static LeaveOneOutResult Compute(JacobianSource train, Tensor targets, Tensor initialPredictions, TrainingRun run,
        JacobianSource? test = null, long blockSamples = DefaultBlockSamples)
    {
        using var scope = NewDisposeScope();
        var fit = WeightSpaceFit.Create(train, targets, initialPredictions, run, blockSamples);
        long n = fit.Samples, k = fit.Outputs, dim = train.Dimension;
        double lambda = run.WeightDecay;
        var dtype = targets.dtype;
        Tensor? testGram = null;
        if (test is not null)
        {
            testGram = zeros(new[] { dim, dim }, dtype, targets.device);
            ForBlocks(test.Samples, blockSamples, (first, count) =>
            {
                var rows = test.Rows(first, count);
                testGram.addmm_(rows.t(), rows, beta: 1, alpha: 1);
            });
        }

        var refitted = new List<long>();
        var weightChange = empty(n, dtype: dtype);
        var trainChange = empty(n, dtype: dtype);
        var testChange = testGram is null ? null : empty(n, dtype: dtype);
        var looPrediction = empty(new[] { n, k }, dtype);
        fit.ForEachBlock((first, count, block) =>
        {
            var dw = block.WeightChange;
            var dwNorm = dw.square().sum(1);
            var own = block.Jacobian.bmm(dw.unsqueeze(-1)).squeeze(-1).square().sum(1);   // ||J_s dw||^2
            var vpv = block.V.transpose(1, 2).bmm(block.P).bmm(block.V).reshape(count);
            weightChange.narrow(0, first, count).copy_(dwNorm);
            trainChange.narrow(0, first, count).copy_((vpv - lambda * dwNorm - own) / (n - 1));
            if (block.Refitted.Length > 0)
            {
                // v^T P v - lambda ||dw||^2 - ||J_s dw||^2 cancels when P_s is near I: the others' change summed directly.
                var positions = tensor(block.Refitted.Select(i => i - first).ToArray(), ScalarType.Int64, dw.device);
                var others = HighLeverageRefit.OthersSquaredChange(n, train.Rows, block.Refitted, dw.index_select(0, positions).unsqueeze(-1), blockSamples);
                trainChange.index_copy_(0, positions + first, others / (n - 1));
                refitted.AddRange(block.Refitted);
            }
            if (testGram is not null)
                testChange!.narrow(0, first, count).copy_((dw.matmul(testGram) * dw).sum(1) / test!.Samples);
            looPrediction.narrow(0, first, count).copy_(targets.narrow(0, first, count) - block.V.squeeze(-1));
        });

        var solver = new SolverReport("weight-space",
            $"Woodbury on the {dim} x {dim} system lambda I + J^T J instead of the {n * k} x {n * k} kernel" +
            (refitted.Count > 0 ? HighLeverageRefit.Describe(refitted.ToArray(), HighLeverageRefit.Tolerance(fit.Condition, dtype)) : ""), fit.Condition,
            dtype.ToString().ToLowerInvariant());
        return new LeaveOneOutResult(weightChange, trainChange, testChange, looPrediction, test?.Samples ?? 0, solver).MoveToOuter();
    }

    internal static void ForBlocks(long n, long blockSamples, Action<long, long> body) => SampleChunks.ForEach(0, n, blockSamples, body);
}
