using SmoothInfo.Policy.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// Finite-t leave-one-out with far fewer kernel products than steps: every run's coefficients are phi(Theta_l) r (on the
/// kernel without the sample for a leave-one-out run), and phi is replaced by its Chebyshev interpolant p on an interval
/// certain to hold the full kernel's spectrum (<see cref="SpectrumBounds"/>), which by interlacing holds every leave-one-out
/// kernel's spectrum too. All n
/// leave-one-out runs and the full run advance together: each product is Theta_l times an (nk x b) block whose column i then
/// loses sample i's rows (the full run's column loses none), exactly the batched iteration's masked product, but m + 1 of them instead of t (m about sqrt(eta t lambda_max)
/// times the log of the accuracy). ||(p - phi)(K) r|| &lt;= max |p - phi| ||r|| for every symmetric K with spectrum in the
/// interval, and the interpolant's bound (<see cref="ChebyshevFilter"/>) keeps that below
/// <see cref="RelativeTolerance"/> times the smallest phi, i.e. below that fraction of the smallest possible ||c||.
/// </summary>
internal static class ChebyshevLeaveOneOut
{
    /// <summary>
    /// The per-sample changes are differences of runs (dc = c - c^{-i}), smaller than the runs by about sqrt(n); 1e-12 leaves
    /// them 1e-9 relative up to n of 1e6. Each factor of 10 costs about sqrt(eta t lambda_max) / 10 more products.
    /// </summary>
    public const double RelativeTolerance = 1e-12;

    public static ChebyshevFilter FilterFor(SpectrumBounds spectrum, double step, TrainingRun run) =>
        ChebyshevFilter.Fit(spectrum.Lower, spectrum.Upper, step, run.Steps, run.Dynamics, Tolerance(spectrum, step, run));

    /// <summary>The largest error allowed for phi: a fraction of the smallest phi any spectrum in the interval can have.</summary>
    private static double Tolerance(SpectrumBounds spectrum, double step, TrainingRun run) =>
        RelativeTolerance * SpectralFilter.RangeOver(spectrum.Lower, spectrum.Upper, step, run.Steps, run.Dynamics).Smallest;

    public static LeaveOneOutResult Compute(KernelProblem problem, TrainingRun run, SpectrumBounds spectrum,
        double condition, long workingMemoryBytes, IProgress<EstimatorProgress>? progress)
    {
        using var scope = NewDisposeScope();
        long n = problem.SampleCount, k = problem.OutputCount, size = n * k;
        var residual = (problem.Targets - problem.InitialPredictions).reshape(size, 1);
        // Both filters lie on the same interval (the spectrum's), so they share the recursion's terms and differ only in coefficients.
        var fullFilter = FilterFor(spectrum, run.LearningRate, run);
        var looFilter = FilterFor(spectrum, run.LeaveOneOutLearningRate(n), run);

        // Four (N x b) blocks live in the recursion (two previous terms, the new product, the sum), two more in the quantities.
        long batch = Math.Max(1, workingMemoryBytes / (6 * size * 8));
        var chunks = new List<LeaveOneOutQuantities.Chunk>();
        Tensor? fullRun = null, fitted = null;
        for (long first = 0; first < n; first += batch)
        {
            using var chunkScope = NewDisposeScope();
            long b = Math.Min(batch, n - first);
            void WithoutOwnSample(Tensor block)
            {
                // Column j is the run without sample first + j: its rows stay zero, so the column never leaves that run's space.
                using var own = block.narrow(1, 0, b).view(n, k, b).narrow(0, first, b).diagonal(0, 0, 2);
                own.zero_();
            }
            // The first chunk carries the full run as one more, unmasked column: the same products, not m more of its own.
            bool withFullRun = fullRun is null;
            var start = residual.expand(size, withFullRun ? b + 1 : b).clone();
            WithoutOwnSample(start);
            var filters = Enumerable.Repeat(looFilter, (int)b).Concat(withFullRun ? new[] { fullFilter } : Array.Empty<ChebyshevFilter>()).ToArray();
            var runs = Apply(problem.TrainKernel, run.WeightDecay, start, filters, WithoutOwnSample,
                done => progress?.Report(new EstimatorProgress("Chebyshev products", (first + b * done) / n)));
            if (withFullRun)
            {
                fullRun = runs.select(1, b).clone().MoveToOuterDisposeScope();
                fitted = problem.TrainKernel.matmul(fullRun).MoveToOuterDisposeScope();
            }
            chunks.Add(LeaveOneOutQuantities.FromCoefficients(problem.TrainKernel, problem.TestKernel, fullRun!, fitted!, runs.narrow(1, 0, b),
                problem.InitialPredictions, first).MoveToOuter());
            progress?.Report(new EstimatorProgress("Chebyshev products", (double)(first + b) / n));
        }
        string dynamics = run.Dynamics == TrainingDynamics.Continuous ? $"gradient flow to time t = {run.Steps}" : $"t = {run.Steps} discrete steps";
        var solver = new SolverReport("chebyshev",
            $"finite {dynamics}: the filter as a degree-{looFilter.Degree} Chebyshev interpolant on [{looFilter.Lower:G4}, {looFilter.Upper:G4}] " +
            $"(error bound {looFilter.ErrorBound:G2}), all {n} leave-one-out runs and the full run together as {Math.Max(looFilter.Degree, fullFilter.Degree)} kernel products, each run's own rows masked, O(m n (nk)^2)" +
            FiniteTimeLeaveOneOut.ConditionBoundNote(spectrum),
            condition, problem.TrainKernel.dtype.ToString().ToLowerInvariant());
        return LeaveOneOutQuantities.Combine(chunks, problem.TestSampleCount, solver).MoveToOuter();
    }

    /// <summary>
    /// Column i of the result is sum_j c_ij T_j(X) v_i, c_i the coefficients of <paramref name="filters"/>[i] (all on one
    /// interval; a shorter one stops adding where its degree ends), with X = (2 Theta_l - (lower + upper) I) / (upper - lower),
    /// Theta_l = Theta + lambda I applied as Theta V + lambda V, the T_j V by the three-term recurrence
    /// T_{j+1} = 2 X T_j - T_{j-1}, stable because X's spectrum lies in [-1, 1]. <paramref name="restrict"/> zeroes, after
    /// each product, the rows a column's kernel does not have; <paramref name="onProduct"/> hears the share of the products done.
    /// </summary>
    private static Tensor Apply(Tensor kernel, double weightDecay, Tensor start, IReadOnlyList<ChebyshevFilter> filters, Action<Tensor>? restrict, Action<double>? onProduct)
    {
        using var scope = NewDisposeScope();
        double lower = filters[0].Lower, upper = filters[0].Upper;
        if (filters.Any(f => f.Lower != lower || f.Upper != upper)) throw new ArgumentException("the filters must share one interval", nameof(filters));
        int terms = filters.Max(f => f.Coefficients.Length);
        // (terms, columns): row j holds every column's c_j, zero past a column's degree.
        var table = new double[terms * filters.Count];
        for (int i = 0; i < filters.Count; i++)
            for (int j = 0; j < filters[i].Coefficients.Length; j++) table[j * filters.Count + i] = filters[i].Coefficients[j];
        var c = tensor(table, new long[] { terms, filters.Count }, start.dtype, start.device);
        // X V = alpha Theta V - beta V, with the weight decay folded into beta (restricted rows of V are zero, so of lambda V too).
        double alpha = 2 / (upper - lower), beta = (upper + lower) / (upper - lower) - alpha * weightDecay;
        var sum = start * c[0];
        Tensor previous = start, current = start;
        for (int j = 1; j < terms; j++)
        {
            using var stepScope = NewDisposeScope();
            var next = kernel.matmul(current);
            restrict?.Invoke(next);
            if (j == 1) next.mul_(alpha).add_(current, -beta);
            else next.mul_(2 * alpha).add_(current, -2 * beta).sub_(previous);
            sum.addcmul_(next, c[j], 1);
            if (!ReferenceEquals(previous, start)) previous.Dispose();
            (previous, current) = (current, next.MoveToOuterDisposeScope());
            onProduct?.Invoke((double)j / (terms - 1));
        }
        return sum.MoveToOuterDisposeScope();
    }
}
