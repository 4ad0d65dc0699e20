using System.Globalization;
using SmoothInfo.Data;
using SmoothInfo.Estimation;
using static TorchSharp.torch;

namespace SmoothInfo.Gate;

/// <summary>
/// The linear probe's problem as <see cref="FeatureSpaceLeaveOneOut"/> takes it: the design rows [phi_i, 1] of any range of
/// samples (the dataset's rows as preprocessed, or a backbone's standardized features), the one-hot targets, and the start
/// at the class frequencies. Shared by the one-process run (<see cref="LinearProbeRun"/>) and the stages of a sharded one.
/// Its tensors belong to the caller's dispose scope.
/// </summary>
public sealed class LinearProbeProblem
{
    private readonly Tensor _design;
    private readonly Tensor? _staging, _embedded;
    private readonly Dataset _dataset;

    /// <param name="backbone">A backbone's features, which replace the dataset's rows; null: the rows.</param>
    public LinearProbeProblem(Dataset dataset, ScalarType dtype, Device device, BackboneFeatures? backbone, long chunkRows)
    {
        _dataset = dataset;
        long n = dataset.Count;
        int k = dataset.ClassNames.Count;
        _embedded = backbone?.Standardized(dtype).to(device);
        Features = _embedded?.shape[1] ?? dataset.FeatureCount;
        // One design buffer [phi, 1] for every chunk: the passes read the features again and again, and a fresh buffer per chunk
        // costs more in page faults than the copy. A row block is therefore valid only until the next call.
        _design = ones(new[] { Math.Min(chunkRows, n), Features + 1 }, dtype, device);
        _staging = _embedded is null ? empty(new[] { Math.Min(chunkRows, n), Features }, ScalarType.Float32) : null;
        Targets = nn.functional.one_hot(DatasetTensors.Labels(dataset), k).to(dtype, device);
        Prior = Targets.mean(new long[] { 0 }, keepdim: true).expand(n, k);
        string on = backbone is null ? $"the {Features} features as given" : backbone.Description;
        Description = string.Create(CultureInfo.InvariantCulture, $"linear probe: a linear head with bias on {on}, started at the class frequencies");
    }

    public long Samples => _dataset.Count;

    /// <summary>p: features per sample, before the bias column.</summary>
    public long Features { get; }

    /// <summary>One-hot labels, (n, k).</summary>
    public Tensor Targets { get; }

    /// <summary>The predictions at the start: the class frequencies, (n, k).</summary>
    public Tensor Prior { get; }

    public string Description { get; }

    /// <summary>[phi_i, 1] of samples [first, first + rows), (rows, p + 1); overwritten by the next call.</summary>
    public Tensor Design(long first, long rows)
    {
        var phi = _embedded?.narrow(0, first, rows) ?? Staged(first, rows);
        var block = _design.narrow(0, 0, rows);
        block.narrow(1, 0, Features).copy_(phi);
        return block;
    }

    /// <summary>The solver's report with what was solved in front of its reason.</summary>
    public SolverReport Described(SolverReport solver) => solver with { Reason = $"{Description}; {solver.Reason}" };

    /// <summary>The weight decays the leave-one-out runs on: auto, a grid in the kernel's own units (its mean eigenvalue, as on
    /// a network's linear head); else the run's.</summary>
    public static Func<double, IReadOnlyList<double>> Grid(TrainingRun run, bool chooseWeightDecay) =>
        chooseWeightDecay ? RegularizationPath.DefaultGrid : _ => new[] { run.WeightDecay };

    /// <summary>Rows of the dataset as float32 in the staging buffer (no allocation per chunk).</summary>
    private Tensor Staged(long first, long rows)
    {
        var block = _staging!.narrow(0, 0, rows);
        _dataset.CopyFeatures(first, (int)rows, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(block.bytes));
        return block;
    }
}
