using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// The Woodbury shortcuts divide by 1 - h_i, which rounding leaves with an absolute error of about eps * kappa (kappa the
/// condition of C = lambda I + R^T R): when 1 - h_i is that small the quotient has no correct digit, and that happens to
/// exactly the outliers the gate hunts (a feature only one sample has pushes its h_i to 1 while kappa stays small).
/// Such samples are few, so their leave-one-out fits are solved again from the other samples' rows, summed without ever
/// subtracting the sample's own rows (C - phi_i phi_i^T would cancel the same way).
/// Rows come per sample: R_j (r x D) with targets T_j (r x c); a linear head has r = 1, c = k.
/// Its tensors belong to the caller's dispose scope.
/// </summary>
public sealed class HighLeverageRefit
{
    private readonly Tensor _gram, _moment, _rows, _targets;

    private HighLeverageRefit(long[] samples, Tensor gram, Tensor moment, Tensor rows, Tensor targets)
    {
        Samples = samples;
        _gram = gram;
        _moment = moment;
        _rows = rows;
        _targets = targets;
    }

    /// <summary>The samples whose leave-one-out fits are solved again, in increasing order.</summary>
    public long[] Samples { get; }

    /// <summary>
    /// 1 - h_i is trusted while it keeps at least half the digits of the solve: its relative error eps kappa / (1 - h_i)
    /// at most sqrt(eps kappa), i.e. 1 - h_i at least sqrt(eps kappa).
    /// </summary>
    public static double Tolerance(double condition, ScalarType dtype) => Math.Sqrt(ConditionCheck.MachineEpsilon(dtype) * condition);

    /// <summary>Samples first + j whose 1 - h is below the tolerance (or negative, or not a number).</summary>
    public static IEnumerable<long> Untrusted(Tensor leverage, double tolerance, long first) =>
        Values((1 - leverage < tolerance).logical_or(leverage.isnan()).nonzero()).Select(j => j + first);

    /// <summary>The entries of an integer tensor, row-major (TorchSharp's accessor fails on an empty one).</summary>
    public static long[] Values(Tensor indices) => indices.numel() == 0 ? [] : indices.cpu().data<long>().ToArray();

    /// <summary>What the solver report says about the samples solved again.</summary>
    public static string Describe(long[] samples, double tolerance) =>
        $"; {samples.Length} sample(s) with 1 - h_i below {tolerance:G2} (leverage too close to 1 for the shortcut to keep half " +
        $"its digits: {string.Join(", ", samples.Take(10).Select(i => $"#{i}"))}{(samples.Length > 10 ? ", ..." : "")}) solved again " +
        "on the other samples' rows";

    /// <param name="samples">n.</param>
    /// <param name="rows">R of samples [first, first + count), (count r, D).</param>
    /// <param name="targets">T, (n, r, c).</param>
    /// <param name="flagged">The samples to solve again (distinct).</param>
    public static HighLeverageRefit Build(long samples, Func<long, long, Tensor> rows, Tensor targets, IEnumerable<long> flagged, long chunkRows)
    {
        var chosen = flagged.Distinct().Order().ToArray();
        var (gram, moment) = KeptSums(0, samples, rows, targets, chosen, chunkRows);
        return Of(chosen, gram, moment, rows, targets);
    }

    /// <summary>
    /// R^T R and R^T T over the samples [start, start + samples) that are not flagged: sums over samples, so a sharded run adds
    /// the ranges' parts (each range zeroing its own flagged samples) in place of the whole.
    /// </summary>
    public static (Tensor Gram, Tensor Moment) KeptSums(long start, long samples, Func<long, long, Tensor> rows, Tensor targets,
        long[] flagged, long chunkRows)
    {
        long r = targets.shape[1], c = targets.shape[2];
        Tensor? gram = null, moment = null;
        SampleChunks.ForEach(start, samples, chunkRows, (first, count) =>
        {
            var block = rows(first, count);
            if (gram is null)
            {
                gram = zeros(new[] { block.shape[1], block.shape[1] }, block.dtype, block.device).MoveToOuterDisposeScope();
                moment = zeros(new[] { block.shape[1], c }, block.dtype, block.device).MoveToOuterDisposeScope();
            }
            // The flagged samples' rows are zeroed here and added back one by one, never subtracted.
            var keep = ones(count, block.dtype, block.device);
            var inBlock = flagged.Where(i => i >= first && i < first + count).Select(i => i - first).ToArray();
            if (inBlock.Length > 0) keep.index_fill_(0, tensor(inBlock, ScalarType.Int64, block.device), 0);
            var kept = block.view(count, r, -1) * keep.view(count, 1, 1);
            var flat = kept.view(count * r, -1);
            gram.addmm_(flat.t(), flat, beta: 1, alpha: 1);
            moment!.addmm_(flat.t(), targets.narrow(0, first, count).reshape(count * r, c), beta: 1, alpha: 1);
        });
        return (gram!, moment!);
    }

    /// <param name="flagged">The samples to solve again, distinct, in increasing order.</param>
    /// <param name="gram">R^T R of every other sample (<see cref="KeptSums"/>, summed over all samples).</param>
    /// <param name="moment">R^T T of every other sample.</param>
    public static HighLeverageRefit Of(long[] flagged, Tensor gram, Tensor moment, Func<long, long, Tensor> rows, Tensor targets)
    {
        using var index = tensor(flagged, ScalarType.Int64, targets.device);
        // Cloned: a caller's row producer may hand out one buffer that its next call overwrites.
        var flaggedRows = stack(flagged.Select(i => rows(i, 1).clone()).ToList());           // (|F|, r, D)
        return new HighLeverageRefit(flagged, gram, moment, flaggedRows, targets.index_select(0, index));
    }

    /// <summary>v_i = T_i - R_i W_{-i} for every sample of <see cref="Samples"/>, W_{-i} fitted at weight decay lambda: (|F|, r, c).</summary>
    public Tensor Residuals(double lambda)
    {
        using var scope = NewDisposeScope();
        long f = Samples.Length;
        var residuals = new List<Tensor>();
        for (int i = 0; i < f; i++)
        {
            var system = _gram.clone();
            using (var diagonal = system.diagonal()) diagonal.add_(lambda);
            var rhs = _moment.clone();
            for (int j = 0; j < f; j++)
            {
                if (j == i) continue;
                system.addmm_(_rows[j].t(), _rows[j], beta: 1, alpha: 1);
                rhs.addmm_(_rows[j].t(), _targets[j], beta: 1, alpha: 1);
            }
            var fit = cholesky_solve(rhs, linalg.cholesky(system));                          // W_{-i}, (D, c)
            residuals.Add(_targets[i] - _rows[i].matmul(fit));
        }
        return stack(residuals).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// sum over j != i of ||R_j d_i||^2 for each sample i of <paramref name="changed"/>, summed directly over the rows: the
    /// shortcut h_i - lambda ||z_i||^2 - h_i^2 cancels to nothing when h_i is near 1.
    /// </summary>
    /// <param name="directions">d_i, (|changed|, D, c).</param>
    public static Tensor OthersSquaredChange(long samples, Func<long, long, Tensor> rows, long[] changed, Tensor directions, long chunkRows) =>
        OthersSquaredChange(0, samples, rows, changed, directions, chunkRows);

    /// <summary>The same summed over the samples j of [start, start + samples) only: the ranges' parts add up to the whole.</summary>
    public static Tensor OthersSquaredChange(long start, long samples, Func<long, long, Tensor> rows, long[] changed, Tensor directions, long chunkRows)
    {
        long f = changed.Length, c = directions.shape[2], dim = directions.shape[1];
        var stacked = directions.permute(1, 0, 2).reshape(dim, f * c);
        var total = zeros(f, directions.dtype, directions.device);
        SampleChunks.ForEach(start, samples, chunkRows, (first, count) =>
        {
            var change = rows(first, count).matmul(stacked).view(count, -1, f, c).square().sum(new long[] { 1, 3 }); // (count, f)
            for (int i = 0; i < f; i++)
                if (changed[i] >= first && changed[i] < first + count) change[changed[i] - first, i].fill_(0);  // its own change
            total.add_(change.sum(dim: 0));
        });
        return total;
    }
}
