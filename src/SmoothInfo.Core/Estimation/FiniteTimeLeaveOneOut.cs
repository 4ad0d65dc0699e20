using SmoothInfo.Policy.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

public enum FiniteTimeMethod
{
    /// <summary>Pick the cheaper exact method from the problem size and the number of steps.</summary>
    Auto,

    /// <summary>All n leave-one-out runs of gradient descent at once: U &lt;- U - h * mask(Theta_l U - r). O(t n (nk)^2).</summary>
    BatchedIteration,

    /// <summary>One eigendecomposition per leave-one-out kernel, batched. O(n (nk)^3), any t, both dynamics.</summary>
    Spectral,

    /// <summary>The filter as a Chebyshev interpolant: all n runs with m masked products, m far below t. O(m n (nk)^2), both dynamics.</summary>
    Chebyshev,
}

/// <summary>
/// Exact leave-one-out after a finite number of steps (or time). Removing a sample takes a principal
/// submatrix of the kernel, which no rank-one update reproduces exactly, so every leave-one-out run is
/// computed: by iterating all of them together as one matrix recursion, by a Chebyshev interpolant of the same
/// recursion's filter (all together, far fewer products), or spectrally.
/// </summary>
public static class FiniteTimeLeaveOneOut
{
    /// <summary>
    /// Counted in products of the kernel with an (nk x (n+1)) block (2 (nk)^2 (n+1) flops each): t for the iteration (discrete
    /// only), m + 1 for the Chebyshev interpolant of degree m, about 6 nk for the eigendecompositions (12 (nk)^3 (n+1) flops).
    /// The iteration keeps ties: it is the literal recursion.
    /// </summary>
    public static FiniteTimeMethod Choose(TrainingRun run, long sampleCount, long outputCount, int chebyshevDegree)
    {
        double spectral = 6.0 * sampleCount * outputCount, chebyshev = chebyshevDegree + 1;
        if (run.Dynamics == TrainingDynamics.Discrete && run.Steps <= Math.Min(chebyshev, spectral)) return FiniteTimeMethod.BatchedIteration;
        return chebyshev < spectral ? FiniteTimeMethod.Chebyshev : FiniteTimeMethod.Spectral;
    }

    public static LeaveOneOutResult Compute(KernelProblem problem, TrainingRun run, FiniteTimeMethod method,
        long workingMemoryBytes, IProgress<EstimatorProgress>? progress)
    {
        if (method == FiniteTimeMethod.Spectral) return Spectral(problem, run, workingMemoryBytes, progress);
        // The other methods apply Theta_l = Theta + lambda I as Theta x + lambda x: no copy of the kernel.
        var kernel = problem.TrainKernel;
        progress?.Report(new EstimatorProgress("spectrum bounds of the kernel", 0));
        // phi is about h t, flat, below 1 / (h t): lambda_min needs resolving only to that scale.
        double flatScale = 1 / (run.LeaveOneOutLearningRate(problem.SampleCount) * run.Steps);
        var spectrum = StepSizeCheck.RequireBelowLimit(SpectrumBounds.Certify(kernel, run.WeightDecay, flatScale), kernel, run, problem.SampleCount);
        double condition = SpectralFilter.ConditionOver(spectrum.Lower, spectrum.Upper, run.LearningRate, run.Steps, run.Dynamics);
        ConditionCheck.Require(condition, kernel.dtype, run);
        if (method == FiniteTimeMethod.Auto)
        {
            int degree = ChebyshevLeaveOneOut.FilterFor(spectrum, run.LeaveOneOutLearningRate(problem.SampleCount), run).Degree;
            method = Choose(run, problem.SampleCount, problem.OutputCount, degree);
        }
        return method switch
        {
            FiniteTimeMethod.BatchedIteration => BatchedIteration(problem, run, spectrum, condition, progress),
            FiniteTimeMethod.Chebyshev => ChebyshevLeaveOneOut.Compute(problem, run, spectrum, condition, workingMemoryBytes, progress),
            _ => Spectral(problem, run, workingMemoryBytes, progress),
        };
    }

    /// <summary>How the non-spectral methods' condition number was found: a bound, not the exact value.</summary>
    internal static string ConditionBoundNote(SpectrumBounds spectrum) =>
        $"; condition number bounded over the spectrum's interval [{spectrum.Lower:G4}, {spectrum.Upper:G4}] " +
        $"({spectrum.LanczosSteps} Lanczos steps, each end proved by a Cholesky factorization)";

    private static LeaveOneOutResult BatchedIteration(KernelProblem problem, TrainingRun run, SpectrumBounds spectrum,
        double condition, IProgress<EstimatorProgress>? progress)
    {
        using var scope = NewDisposeScope();
        long n = problem.SampleCount, k = problem.OutputCount, size = n * k;
        var (kernel, lambda) = (problem.TrainKernel, run.WeightDecay);
        var (dtype, device) = (kernel.dtype, kernel.device);
        var residual = (problem.Targets - problem.InitialPredictions).reshape(size, 1);

        // Column i < n is the run without sample i (its rows masked, step eta'), column n the full run (step eta).
        var stepMask = full(size, n + 1, run.LeaveOneOutLearningRate(n), dtype, device);
        stepMask.view(n, k, n + 1).diagonal(0, 0, 2).fill_(0);
        stepMask.narrow(1, n, 1).fill_(run.LearningRate);
        var coefficients = zeros(size, n + 1, dtype: dtype, device: device);
        long steps = (long)run.Steps;
        for (long t = 0; t < steps; t++)
        {
            using var stepScope = NewDisposeScope();
            coefficients.sub_(stepMask * (kernel.matmul(coefficients).add_(coefficients, lambda) - residual));
            if ((t + 1) % 64 == 0 || t + 1 == steps) progress?.Report(new EstimatorProgress("gradient descent steps", 0.9 * (t + 1) / steps));
        }
        var fullRun = coefficients.narrow(1, n, 1).squeeze(1);
        var quantities = LeaveOneOutQuantities.FromCoefficients(problem.TrainKernel, problem.TestKernel, fullRun,
            problem.TrainKernel.matmul(fullRun), coefficients.narrow(1, 0, n), problem.InitialPredictions, 0);
        var solver = new SolverReport("batched-iteration",
            $"finite t = {steps} discrete steps: all {n} leave-one-out runs iterated together, O(t n (nk)^2), no more products " +
            "than a Chebyshev interpolant or eigendecompositions would take for this t" + ConditionBoundNote(spectrum), condition, dtype.ToString().ToLowerInvariant());
        return LeaveOneOutQuantities.Combine(new[] { quantities }, problem.TestSampleCount, solver).MoveToOuter();
    }

    private static LeaveOneOutResult Spectral(KernelProblem problem, TrainingRun run, long workingMemoryBytes, IProgress<EstimatorProgress>? progress)
    {
        using var scope = NewDisposeScope();
        var regularizedKernel = Conditioning.Regularized(problem.TrainKernel, run.WeightDecay);
        long n = problem.SampleCount, k = problem.OutputCount, size = n * k, kept = size - k;
        var (dtype, device) = (regularizedKernel.dtype, regularizedKernel.device);
        var residual = (problem.Targets - problem.InitialPredictions).reshape(size);

        var (values, vectors) = linalg.eigh(regularizedKernel);
        double condition = CheckedCondition(values, run, n);
        var fullRun = vectors.matmul(SpectralFilter.Coefficients(values, run.LearningRate, run.Steps, run.Dynamics) * vectors.T.matmul(residual));
        var fitted = problem.TrainKernel.matmul(fullRun);

        double step = run.LeaveOneOutLearningRate(n);
        long batch = Math.Max(1, workingMemoryBytes / (3 * kept * kept * 8)); // sub-kernels, eigenvectors, workspace
        var chunks = new List<LeaveOneOutQuantities.Chunk>();
        for (long first = 0; first < n; first += batch)
        {
            using var chunkScope = NewDisposeScope();
            long b = Math.Min(batch, n - first);
            var keptRows = Enumerable.Range(0, (int)b).Select(j => KeptRows(n, k, first + j, device)).ToList();
            var subKernels = stack(keptRows.Select(rows => regularizedKernel.index_select(0, rows).index_select(1, rows)).ToList());
            var subResiduals = stack(keptRows.Select(rows => residual.index_select(0, rows)).ToList()).unsqueeze(-1);
            var (subValues, subVectors) = linalg.eigh(subKernels);
            var filter = SpectralFilter.Coefficients(subValues, step, run.Steps, run.Dynamics).unsqueeze(-1);
            var subCoefficients = subVectors.matmul(filter * subVectors.transpose(1, 2).matmul(subResiduals)).squeeze(-1); // (b, N-k)
            var loo = zeros(size, b, dtype: dtype, device: device);
            for (int j = 0; j < b; j++) loo.select(1, j).index_copy_(0, keptRows[j], subCoefficients[j]);
            chunks.Add(LeaveOneOutQuantities.FromCoefficients(problem.TrainKernel, problem.TestKernel, fullRun, fitted, loo,
                problem.InitialPredictions, first).MoveToOuter());
            progress?.Report(new EstimatorProgress("leave-one-out eigendecompositions", (double)(first + b) / n));
        }
        string dynamics = run.Dynamics == TrainingDynamics.Continuous ? $"gradient flow to time t = {run.Steps}" : $"t = {run.Steps} discrete steps";
        var solver = new SolverReport("spectral",
            $"finite {dynamics}: one eigendecomposition per leave-one-out kernel, O(n (nk)^3), exact for any t",
            condition, dtype.ToString().ToLowerInvariant());
        return LeaveOneOutQuantities.Combine(chunks, problem.TestSampleCount, solver).MoveToOuter();
    }

    /// <summary>Theta_l's eigenvalues decide both checks exactly: discrete gradient descent's step (h lambda_max &lt; 2), then the condition.</summary>
    private static double CheckedCondition(Tensor eigenvalues, TrainingRun run, long sampleCount)
    {
        StepSizeCheck.RequireBelowLimit(eigenvalues.max().ToDouble(), run, sampleCount);
        double condition = SpectralFilter.Condition(eigenvalues, run.LearningRate, run.Steps, run.Dynamics);
        ConditionCheck.Require(condition, eigenvalues.dtype, run);
        return condition;
    }

    private static Tensor KeptRows(long n, long k, long sample, Device device) =>
        cat(new[] { arange(0, sample * k, 1, ScalarType.Int64, device), arange((sample + 1) * k, n * k, 1, ScalarType.Int64, device) }, 0);
}
