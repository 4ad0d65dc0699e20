using TorchSharp;
using SmoothInfo.Diagnostics;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>The head's inputs (features) of the training and held-out samples, with the predictions the estimator needs.</summary>
public sealed record LinearHeadProblem(
    Tensor Features,
    Tensor Targets,
    Tensor InitialPredictions,
    bool HasBias = true,
    Tensor? TestFeatures = null,
    Tensor? TestInitialPredictions = null)
{
    public long SampleCount => Features.shape[0];
    public long FeatureCount => Features.shape[1] + (HasBias ? 1 : 0);
    public long OutputCount => Targets.shape[1];
}

/// <summary>
/// Exact leave-one-out at t = infinity in weight space when only a final Linear layer y = W phi + b is linearized
/// (the fine-tuning regime, or a linear model). Its kernel is Theta = (Phi Phi^T) (x) I_k with Phi the n x q feature matrix
/// (q = features + 1 with a bias column), so by Woodbury everything follows from the q x q matrix
/// C = lambda I + Phi^T Phi, whatever n: with z_i = C^{-1} phi_i, h_i = phi_i . z_i and the ridge fit W = C^{-1} Phi^T r,
///   v_i = (r_i - W^T phi_i) / (1 - h_i)                    (y_i - f_{-i}(x_i), the function-space v_i)
///   ||dw_i||^2 = ||v_i||^2 ||z_i||^2                        (dw_i = z_i v_i^T)
///   sum over j != i of ||Theta dc_i||_j^2 = ||v_i||^2 (h_i - lambda ||z_i||^2 - h_i^2)
///   ||Theta_te dc_i||^2 = ||v_i||^2 z_i^T (Phi_te^T Phi_te) z_i.
/// Cost O(n q^2 + q^3) time and O(chunk * q + q^2) memory beyond the inputs, instead of O((nk)^3) and O((nk)^2).
/// Same definitions as <see cref="ClosedFormLeaveOneOut"/> (tested equal to 1e-10 with more samples than head inputs).
/// With fewer samples than head inputs (q &gt;= n) every h_i is near 1 and 1 - h_i cancels (measured 5e-6 relative at
/// n = 300, q = 513): the planner (<c>RoutePlanner</c>) sends that case to function space. The few samples whose 1 - h_i is within
/// rounding of 0 anyway (a feature only they have) are solved again without them (<see cref="HighLeverageRefit"/>).
/// </summary>
public static class LinearHeadLeaveOneOut
{
    private const long ChunkRows = 8192;

    public static LeaveOneOutResult Compute(LinearHeadProblem problem, TrainingRun run)
    {
        if (!run.IsConverged || !(run.WeightDecay > 0))
            throw new InputException(ErrorCodes.InvalidHyperparameter,
                $"the weight-space head path needs t = infinity and weight decay > 0 (got steps {run.Steps}, weight decay {run.WeightDecay}).",
                "use the function-space estimator for finite t or no weight decay.");
        long n = problem.SampleCount, k = problem.OutputCount, q = problem.FeatureCount;
        if (n < 2) throw new InputException(ErrorCodes.TooFewSamples, $"leave-one-out needs at least 2 samples (got {n}).");
        double lambda = run.WeightDecay;
        var dtype = problem.Features.dtype;
        using var scope = NewDisposeScope();

        var gram = lambda * eye(q, dtype: dtype, device: problem.Features.device);
        var rhs = zeros(new[] { q, k }, dtype, problem.Features.device);
        var testGram = problem.TestFeatures is null ? null : zeros(new[] { q, q }, dtype, problem.Features.device);
        // C, Phi^T r and Phi_te^T Phi_te are sums over samples: built in row chunks, exactly.
        ForChunks(n, (first, rows) =>
        {
            var phi = Design(problem.Features, problem.HasBias, first, rows);
            gram.addmm_(phi.t(), phi, beta: 1, alpha: 1);
            rhs.addmm_(phi.t(), problem.Targets.narrow(0, first, rows) - problem.InitialPredictions.narrow(0, first, rows), beta: 1, alpha: 1);
        });
        if (testGram is not null)
            ForChunks(problem.TestFeatures!.shape[0], (first, rows) =>
            {
                var phi = Design(problem.TestFeatures!, problem.HasBias, first, rows);
                testGram.addmm_(phi.t(), phi, beta: 1, alpha: 1);
            });

        var eigenvalues = linalg.eigvalsh(gram);
        // The condition of the system solved here (C), which bounds the accuracy of this path.
        double condition = eigenvalues.max().ToDouble() / eigenvalues.min().ToDouble();
        StepSizeCheck.RequireBelowLimit(eigenvalues.max().ToDouble(), run, n);
        ConditionCheck.Require(condition, dtype, run);
        var factor = linalg.cholesky(gram);
        var fit = cholesky_solve(rhs, factor);                                          // W, (q, k)

        var weightChange = empty(n, dtype: dtype);
        var trainChange = empty(n, dtype: dtype);
        var testChange = testGram is null ? null : empty(n, dtype: dtype);
        var looPrediction = empty(new[] { n, k }, dtype);
        long testSamples = problem.TestFeatures?.shape[0] ?? 0;
        // The quantities of samples index from their z_i, v_i and sum over j != i of (phi_j . z_i)^2.
        void Store(Tensor index, Tensor z, Tensor v, Tensor othersLeverage)
        {
            var vNorm = v.square().sum(1);
            weightChange.index_copy_(0, index, vNorm * z.square().sum(1));
            trainChange.index_copy_(0, index, vNorm * othersLeverage / (n - 1));
            testChange?.index_copy_(0, index, vNorm * (z.matmul(testGram!) * z).sum(1) / testSamples);
            looPrediction.index_copy_(0, index, problem.Targets.index_select(0, index) - v);
        }

        var residuals = problem.Targets - problem.InitialPredictions;
        double tolerance = HighLeverageRefit.Tolerance(condition, dtype);
        var untrusted = new List<long>();
        ForChunks(n, (first, rows) =>
        {
            var phi = Design(problem.Features, problem.HasBias, first, rows);
            var z = cholesky_solve(phi.t(), factor).t();                                 // (rows, q)
            var leverage = (z * phi).sum(1);
            var v = (residuals.narrow(0, first, rows) - phi.matmul(fit)) / (1 - leverage).unsqueeze(1);
            Store(arange(first, first + rows, 1, ScalarType.Int64), z, v, leverage - lambda * z.square().sum(1) - leverage.square());
            untrusted.AddRange(HighLeverageRefit.Untrusted(leverage, tolerance, first));
        });
        string guard = "";
        if (untrusted.Count > 0)
        {
            Tensor Rows(long first, long rows) => Design(problem.Features, problem.HasBias, first, rows);
            var refit = HighLeverageRefit.Build(n, Rows, residuals.unsqueeze(1), untrusted, ChunkRows);
            var index = tensor(refit.Samples, ScalarType.Int64);
            var z = cholesky_solve(cat(refit.Samples.Select(i => Rows(i, 1)).ToList()).t(), factor).t();
            Store(index, z, refit.Residuals(lambda).squeeze(1), HighLeverageRefit.OthersSquaredChange(n, Rows, refit.Samples, z.unsqueeze(-1), ChunkRows));
            guard = HighLeverageRefit.Describe(refit.Samples, tolerance);
        }

        var solver = new SolverReport("weight-space linear head",
            $"only the final Linear layer is linearized, so Theta = (Phi Phi^T) (x) I_k and Woodbury needs a {q} x {q} system " +
            $"instead of {n * k} x {n * k}{guard}", condition, dtype.ToString().ToLowerInvariant());
        return new LeaveOneOutResult(weightChange, trainChange, testChange, looPrediction, testSamples, solver).MoveToOuter();
    }

    private static void ForChunks(long n, Action<long, long> body)
    {
        for (long first = 0; first < n; first += ChunkRows)
        {
            using var scope = NewDisposeScope();
            body(first, Math.Min(ChunkRows, n - first));
        }
    }

    /// <summary>Rows of the design matrix [phi, 1].</summary>
    internal static Tensor Design(Tensor features, bool bias, long first, long rows)
    {
        var phi = features.narrow(0, first, rows);
        return bias ? cat(new[] { phi, ones(new[] { rows, 1L }, phi.dtype, phi.device) }, 1) : phi;
    }
}
