using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Kernels;

/// <summary>
/// Explicit per-sample Jacobian rows, (b*k, D), for the weight-space route and projected kernels: all D = d linearized
/// parameters in the network's order (each layer's weight flattened as stored, then its bias), or a random projection
/// to p columns (<see cref="JacobianProjection"/>: a coordinate subset, or a sparse sign matrix). Built from the same
/// layer features as the kernel (g_ic a_i^T for Linear layers), one block of samples at a time, so J is never held
/// whole; a block's full rows (b*k*d values) are formed before they are projected.
/// </summary>
public sealed class JacobianRows
{
    private readonly LinearizedNetwork _network;
    private readonly long[]? _coordinates;
    private readonly double _scale;
    private readonly Tensor? _signsTransposed;

    private JacobianRows(LinearizedNetwork network, long[]? coordinates = null, Tensor? signsTransposed = null)
    {
        _network = network;
        _coordinates = coordinates;
        _signsTransposed = signsTransposed;
        FullDimension = network.LinearizedParameterCount;
        Dimension = coordinates?.Length ?? signsTransposed?.shape[0] ?? FullDimension;
        _scale = coordinates is null ? 1.0 : Math.Sqrt((double)FullDimension / coordinates.Length);
    }

    /// <summary>d, the number of linearized parameters.</summary>
    public long FullDimension { get; }

    /// <summary>D: d, or p when projected.</summary>
    public long Dimension { get; }

    /// <summary>The kept coordinates (sorted, 0-based, in the network's parameter order), or null for all.</summary>
    public IReadOnlyList<long>? Coordinates => _coordinates;

    public static JacobianRows Exact(TorchSharp.Modules.Sequential network, Models.ParameterSelection selection) =>
        new(LinearizedNetwork.Create(network, selection), null);

    /// <summary>The rows projected as the option says (see <see cref="JacobianProjection"/>).</summary>
    public static JacobianRows Projected(TorchSharp.Modules.Sequential network, Models.ParameterSelection selection, JacobianProjection projection) =>
        projection.Kind switch
        {
            ProjectionKind.CoordinateSubset => CoordinateSubset(network, selection, projection.Dimension, projection.Seed),
            ProjectionKind.SparseSign => SparseSign(network, selection, projection.Dimension, projection.Seed, projection.Sparsity),
            _ => throw new ArgumentOutOfRangeException(nameof(projection)),
        };

    /// <summary>A uniformly random subset of p coordinates without replacement, drawn from the seed.</summary>
    public static JacobianRows CoordinateSubset(TorchSharp.Modules.Sequential network, Models.ParameterSelection selection, long p, long seed)
    {
        var linearized = LinearizedNetwork.Create(network, selection);
        long d = CheckDimension(linearized, p);
        using var generator = new Generator().manual_seed(seed);
        using var permutation = randperm(d, generator: generator);
        using var chosen = permutation.narrow(0, 0, p).sort().Values;
        return new(linearized, chosen.data<long>().ToArray());
    }

    /// <summary>
    /// J R with R the sparse sign matrix of <see cref="ProjectionKind.SparseSign"/>, s = sparsity or sqrt(d). The
    /// non-zeros are drawn in O(d p / s): the gaps between consecutive non-zeros of R read row-major are geometric with
    /// success probability 1/s, which is exactly i.i.d. Bernoulli(1/s) entries without drawing all d p of them.
    /// </summary>
    public static JacobianRows SparseSign(TorchSharp.Modules.Sequential network, Models.ParameterSelection selection, long p, long seed, double? sparsity = null)
    {
        var linearized = LinearizedNetwork.Create(network, selection);
        long d = linearized.LinearizedParameterCount;
        if (p < 1)
            throw new Diagnostics.InputException(Diagnostics.ErrorCodes.InvalidHyperparameter, $"the projected dimension must be at least 1 (got {p}).");
        double s = sparsity ?? Math.Sqrt(d);
        if (!(s >= 1))
            throw new Diagnostics.InputException(Diagnostics.ErrorCodes.InvalidHyperparameter,
                $"the sparsity s of a sparse sign projection must be at least 1 (got {s}): entries are non-zero with probability 1/s.");
        using var scope = NewDisposeScope();
        using var generator = new Generator().manual_seed(seed);
        long cells = checked(d * p);
        var positions = new List<Tensor>();
        long next = -1;
        double logMiss = Math.Log(1 - 1 / s);
        while (next < cells)
        {
            long chunk = (long)Math.Min((cells - next) / s * 1.05 + 1024, 1L << 24);
            Tensor gaps = s == 1
                ? ones(chunk, int64)
                : rand(chunk, float64, generator: generator).neg_().add_(1).log_().div_(logMiss).floor_().add_(1).to_type(int64);  // geometric >= 1; 1 - U avoids log 0
            var run = gaps.cumsum(0).add_(next);
            next = run[-1].item<long>();
            positions.Add(run.masked_select(run.lt(cells)));
        }
        var flat = cat(positions);
        var signs = rand(flat.shape[0], float64, generator: generator).lt(0.5).to_type(float64).mul_(2).sub_(1).mul_(Math.Sqrt(s / p));
        // Stored as R^T (p x d) so that a block's projection is one sparse x dense product R^T rows^T.
        var indices = stack(new[] { flat.remainder(p), flat.div(p, rounding_mode: RoundingMode.floor) });
        var transposed = sparse_coo_tensor(indices, signs.to(linearized.DType), new[] { p, d })
            .to(linearized.Device).MoveToOuterDisposeScope();  // positions are distinct, so already coalesced
        return new(linearized, signsTransposed: transposed);
    }

    private static long CheckDimension(LinearizedNetwork linearized, long p)
    {
        long d = linearized.LinearizedParameterCount;
        if (p < 1 || p > d)
            throw new Diagnostics.InputException(Diagnostics.ErrorCodes.InvalidHyperparameter,
                $"the projected dimension must be between 1 and d = {d} (got {p}).");
        return d;
    }

    /// <summary>These rows over a set of samples, a block at a time, for the weight-space estimators.</summary>
    public Estimation.JacobianSource Source(Tensor inputs) =>
        new(inputs.shape[0], Dimension, (first, count) => Rows(inputs.narrow(0, first, count)));

    /// <summary>Rows i*k + c of J (or J_p) for a block of samples: (b*k, D) in the network's dtype and device.</summary>
    public Tensor Rows(Tensor inputs)
    {
        using var scope = NewDisposeScope();
        using var features = FeatureExtractor.Compute(_network, inputs.to(_network.DType, _network.Device));
        long b = features.Samples, k = features.Outputs;
        var parts = new List<Tensor>();
        foreach (var layer in features.Layers)
        {
            switch (layer)
            {
                case DenseLayerFeatures dense:
                    if (dense.Inputs is not null)
                        parts.Add((dense.OutputGradients.unsqueeze(-1) * dense.Inputs.unsqueeze(1).unsqueeze(1)).reshape(b, k, -1));
                    if (dense.BiasSelected) parts.Add(dense.OutputGradients);
                    break;
                case PerSampleGradientFeatures perSample:
                    parts.Add(perSample.Gradients);
                    break;
            }
        }
        var rows = cat(parts, -1).reshape(b * k, -1);
        if (_coordinates is not null)
        {
            using var index = tensor(_coordinates, device: rows.device);
            rows = rows.index_select(1, index).mul_(_scale);
        }
        else if (_signsTransposed is not null)
        {
            rows = _signsTransposed.mm(rows.t()).t();
        }
        return rows.MoveToOuterDisposeScope();
    }
}
