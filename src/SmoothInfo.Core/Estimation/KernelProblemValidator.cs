using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>Checks a kernel problem and a training run before any work starts; every failure is an InputException.</summary>
public static class KernelProblemValidator
{
    private const long SymmetryTile = 512;

    public static void Validate(KernelProblem problem, TrainingRun run)
    {
        var names = problem.NamesOrDefault;
        ValidateRun(run);
        // k comes from the targets' columns and n from the kernel, so a file with the wrong number of rows is the one named.
        long k = RequireMatrix(problem.Targets, names.Targets, "n x k (one row per training sample, one column per output)").Columns;
        var (rows, columns) = RequireMatrix(problem.TrainKernel, names.TrainKernel, "a square (n*k, n*k) matrix");
        if (rows != columns || rows % k != 0)
            throw new InputException(ErrorCodes.ShapeMismatch,
                $"has shape ({rows}, {columns}); expected a square (n*k, n*k) matrix with k = {k} outputs (the targets' columns).",
                "check that the kernel is the train x train NTK, sample-major, and the targets have one column per output.",
                new SourceLocation(names.TrainKernel));
        long n = rows / k;
        RequireShape(problem.Targets, new[] { n, k }, names.Targets, $"n = {n} samples, as the kernel ({rows} x {rows}) with k = {k} outputs implies");
        if (n < 2)
            throw new InputException(ErrorCodes.TooFewSamples, $"there are {n} training samples; leave-one-out needs at least 2.",
                "pass the kernel and targets of every training sample.", new SourceLocation(names.Targets));
        RequireShape(problem.InitialPredictions, new[] { n, k }, names.InitialPredictions, $"the targets' shape ({n}, {k})");

        if (problem.TestKernel is null != problem.TestInitialPredictions is null)
            throw new InputException(ErrorCodes.ShapeMismatch, "a held-out set needs both its cross kernel and its initial predictions.",
                "pass both --test-ntk and --test-init-preds, or neither.",
                new SourceLocation(problem.TestKernel is null ? names.TestInitialPredictions : names.TestKernel));
        if (problem.TestKernel is not null)
        {
            long m = RequireMatrix(problem.TestInitialPredictions!, names.TestInitialPredictions, $"m x {k} (one row per held-out sample)").Rows;
            RequireShape(problem.TestInitialPredictions!, new[] { m, k }, names.TestInitialPredictions, $"(m, k) with k = {k} outputs");
            RequireShape(problem.TestKernel, new[] { m * k, n * k }, names.TestKernel,
                $"(m*k, n*k) = ({m * k}, {n * k}) for m = {m} held-out and n = {n} training samples");
        }

        RequireFinite(problem.Targets, names.Targets, k, "sample", "output");
        RequireFinite(problem.InitialPredictions, names.InitialPredictions, k, "sample", "output");
        if (problem.TestKernel is not null)
        {
            RequireFinite(problem.TestInitialPredictions!, names.TestInitialPredictions, k, "sample", "output");
            RequireFinite(problem.TestKernel, names.TestKernel, k, "row", "column");
        }
        RequireFiniteAndSymmetric(problem.TrainKernel, names.TrainKernel, k);
    }

    private static void ValidateRun(TrainingRun run)
    {
        if (!(run.LearningRate > 0) || double.IsInfinity(run.LearningRate))
            throw Hyperparameter($"the learning rate is {run.LearningRate}; it must be a positive number.", "pass e.g. --learning-rate 0.1.");
        if (!(run.WeightDecay >= 0) || double.IsInfinity(run.WeightDecay))
            throw Hyperparameter($"the weight decay is {run.WeightDecay}; it must be zero or positive.", "pass e.g. --weight-decay 0.001.");
        if (!(run.Steps > 0))
            throw Hyperparameter($"the number of steps is {run.Steps}; it must be positive, or inf for a converged run.", "pass e.g. --steps 1000 or --steps inf.");
        if (run.Dynamics == TrainingDynamics.Discrete && !run.IsConverged && run.Steps != Math.Floor(run.Steps))
            throw Hyperparameter($"discrete gradient descent takes a whole number of steps, not {run.Steps}.",
                "round the steps, or pass --continuous for gradient flow over that time.");
    }

    private static InputException Hyperparameter(string message, string fix) =>
        new(ErrorCodes.InvalidHyperparameter, message, fix);

    private static (long Rows, long Columns) RequireMatrix(Tensor t, string name, string expected)
    {
        if (t.dim() != 2)
            throw new InputException(ErrorCodes.ShapeMismatch, $"has shape ({string.Join(", ", t.shape)}); expected {expected}.",
                "save a 2-D array.", new SourceLocation(name));
        return (t.shape[0], t.shape[1]);
    }

    private static void RequireShape(Tensor t, long[] shape, string name, string expected)
    {
        if (!t.shape.SequenceEqual(shape))
            throw new InputException(ErrorCodes.ShapeMismatch,
                $"has shape ({string.Join(", ", t.shape)}); expected ({string.Join(", ", shape)}): {expected}.",
                "check that every input describes the same samples and outputs, in the same order.", new SourceLocation(name));
    }

    private static void RequireFinite(Tensor t, string name, long k, string rowWord, string columnWord)
    {
        using var scope = NewDisposeScope();
        // The max-norm is finite exactly when every entry is (NaN and infinities propagate), without an n^2 mask.
        if (double.IsFinite(linalg.vector_norm(t, double.PositiveInfinity).ToDouble())) return;
        var bad = t.isfinite().logical_not().nonzero();
        long row = bad[0, 0].item<long>(), column = bad[0, 1].item<long>();
        double value = t[row, column].ToDouble();
        string where = rowWord == "sample"
            ? $"sample {row}, output {column}"
            : $"row {row} (sample {row / k}, output {row % k}), column {column} (sample {column / k}, output {column % k})";
        throw new InputException(ErrorCodes.NonFiniteValue,
            $"holds {bad.shape[0]} non-finite value(s); the first is {value} at {where}.",
            "recompute the input; a NaN or infinity usually means a diverged network or a division by zero upstream.",
            new SourceLocation(name));
    }

    /// <summary>
    /// Finite, and symmetric up to round-off of the input's own precision, in one pass over the kernel (its largest stage
    /// before the factorization): square tiles of the upper triangle against their mirror tiles, cache-friendly and with no
    /// n^2 temporary. The largest magnitude, the round-off's scale, comes from the same tiles, and a non-finite entry shows in
    /// it (NaN and infinities propagate through the max-norm); only then does <see cref="RequireFinite"/> search for it.
    /// </summary>
    private static void RequireFiniteAndSymmetric(Tensor kernel, string name, long k)
    {
        long size = kernel.shape[0];
        double worst = 0, scale = 0;
        long worstRow = 0, worstColumn = 0;
        for (long row = 0; row < size; row += SymmetryTile)
        for (long column = row; column < size; column += SymmetryTile)
        {
            using var scope = NewDisposeScope();
            var (tile, mirror) = Tiles(kernel, row, column);
            scale = Math.Max(scale, Math.Max(MaxNorm(tile), MaxNorm(mirror)));
            if (!double.IsFinite(scale)) RequireFinite(kernel, name, k, "row", "column");
            double difference = MaxNorm(tile - mirror);
            if (difference > worst) (worst, worstRow, worstColumn) = (difference, row, column);
        }
        double tolerance = (kernel.dtype == ScalarType.Float32 ? 1e-5 : 1e-10) * Math.Max(scale, double.Epsilon);
        if (worst > tolerance)
        {
            using var scope = NewDisposeScope();
            var (tile, mirror) = Tiles(kernel, worstRow, worstColumn);
            long flat = (tile - mirror).abs().view(-1).argmax().ToInt64(), columns = tile.shape[1];
            (worstRow, worstColumn) = (worstRow + flat / columns, worstColumn + flat % columns);
            throw new InputException(ErrorCodes.KernelNotSymmetric,
                $"is not symmetric: entries ({worstRow}, {worstColumn}) and ({worstColumn}, {worstRow}) differ by {worst:G3} " +
                $"(largest entry {scale:G3}). A neural tangent kernel J J^T is symmetric.",
                "pass the train x train kernel itself (not a cross kernel), sample-major, or symmetrize it: (A + A.T) / 2.",
                new SourceLocation(name));
        }
    }

    /// <summary>The tile at (row, column) and its mirror across the diagonal, transposed to the same shape.</summary>
    private static (Tensor Tile, Tensor Mirror) Tiles(Tensor kernel, long row, long column)
    {
        long size = kernel.shape[0], rows = Math.Min(SymmetryTile, size - row), columns = Math.Min(SymmetryTile, size - column);
        return (kernel.narrow(0, row, rows).narrow(1, column, columns), kernel.narrow(0, column, columns).narrow(1, row, rows).T);
    }

    private static double MaxNorm(Tensor t) => linalg.vector_norm(t, double.PositiveInfinity).ToDouble();
}
