using SmoothInfo.Estimation;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Reference;

/// <summary>
/// The reference implementation's approach at t = infinity: solve each leave-one-out problem on its own
/// (one Cholesky factorization of the (n-1)k kernel per sample), O(n (nk)^3). Works from kernels only,
/// so it also serves as the per-sample baseline in the benchmarks.
/// </summary>
public static class PerSampleLeaveOneOut
{
    public static LeaveOneOutResult Run(KernelProblem problem, double weightDecay, int? sampleLimit = null)
    {
        using var scope = NewDisposeScope();
        long n = problem.SampleCount, k = problem.OutputCount, size = n * k;
        long count = Math.Min(n, sampleLimit ?? n);
        var kernel = problem.TrainKernel;
        var regularized = kernel + weightDecay * eye(size, dtype: kernel.dtype);
        var residual = (problem.Targets - problem.InitialPredictions).reshape(size);
        var coefficients = cholesky_solve(residual.unsqueeze(1), linalg.cholesky(regularized)).squeeze(1);

        var weightChange = zeros(count, dtype: kernel.dtype);
        var trainChange = zeros(count, dtype: kernel.dtype);
        var testChange = problem.HasTestSet ? zeros(count, dtype: kernel.dtype) : null;
        var looPrediction = zeros(count, k, dtype: kernel.dtype);
        long m = problem.TestSampleCount;
        for (long i = 0; i < count; i++)
        {
            using var sampleScope = NewDisposeScope();
            var kept = cat(new[] { arange(0, i * k, dtype: ScalarType.Int64), arange((i + 1) * k, size, dtype: ScalarType.Int64) }, 0);
            var subKernel = regularized.index_select(0, kept).index_select(1, kept);
            var subCoefficients = cholesky_solve(residual.index_select(0, kept).unsqueeze(1), linalg.cholesky(subKernel)).squeeze(1);
            var looCoefficients = zeros(size, dtype: kernel.dtype).index_copy_(0, kept, subCoefficients);
            var delta = coefficients - looCoefficients;
            var kernelDelta = kernel.matmul(delta);
            weightChange[i] = delta.dot(kernelDelta);
            var others = kernelDelta.index_select(0, kept);
            trainChange[i] = others.dot(others) / (n - 1);
            if (testChange is not null)
            {
                var change = problem.TestKernel!.matmul(delta);
                testChange[i] = change.dot(change) / m;
            }
            looPrediction[i] = problem.InitialPredictions[i] + kernel.narrow(0, i * k, k).matmul(looCoefficients);
        }
        return new LeaveOneOutResult(weightChange, trainChange, testChange, looPrediction, m,
            new SolverReport("per-sample", "one Cholesky solve per leave-one-out problem (reference)", null, "float64")).MoveToOuter();
    }
}
