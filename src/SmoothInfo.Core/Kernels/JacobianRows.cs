using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Kernels;

/// <summary>
/// Explicit per-sample Jacobian rows, (b*k, D), for the weight-space route: all D = d linearized parameters in the
/// network's order (each layer's weight flattened as stored, then its bias), or a random subset of p of them scaled
/// by sqrt(d / p) (the paper's coordinate-subset projection: E[J_p J_p^T] = J J^T). Built from the same layer features
/// as the kernel (g_ic a_i^T for Linear layers), one block of samples at a time, so J is never held whole.
/// </summary>
public sealed class JacobianRows
{
    private readonly LinearizedNetwork _network;
    private readonly long[]? _coordinates;
    private readonly double _scale;

    private JacobianRows(LinearizedNetwork network, long[]? coordinates)
    {
        _network = network;
        _coordinates = coordinates;
        FullDimension = network.LinearizedParameterCount;
        Dimension = coordinates?.Length ?? FullDimension;
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

    /// <summary>A uniformly random subset of p coordinates without replacement, drawn from the seed.</summary>
    public static JacobianRows CoordinateSubset(TorchSharp.Modules.Sequential network, Models.ParameterSelection selection, long p, long seed)
    {
        var linearized = LinearizedNetwork.Create(network, selection);
        long d = linearized.LinearizedParameterCount;
        if (p < 1 || p > d)
            throw new Diagnostics.InputException(Diagnostics.ErrorCodes.InvalidHyperparameter,
                $"the projected dimension must be between 1 and d = {d} (got {p}).");
        using var generator = new Generator().manual_seed(seed);
        using var permutation = randperm(d, generator: generator);
        using var chosen = permutation.narrow(0, 0, p).sort().Values;
        return new(linearized, chosen.data<long>().ToArray());
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
        return rows.MoveToOuterDisposeScope();
    }
}
