using SmoothInfo.Diagnostics;

namespace SmoothInfo.Models;

/// <summary>A layer that owns parameters, as the selection sees it: its dotted name and whether it has a bias.</summary>
public sealed record ParametricLayer(string Name, bool HasBias)
{
    public string WeightName => Name + ".weight";
    public string BiasName => Name + ".bias";
}

/// <summary>
/// Which parameters are linearized (enter the Jacobian and so the kernel); the others stay at their values.
/// All of them; only the last N parametric layers (the fine-tuning regime of the paper, where the linearization is
/// most accurate); or named groups, each a parameter name ("4.weight") or a module prefix ("4", "head").
/// </summary>
public sealed record ParameterSelection
{
    private enum Kind { All, LastLayers, Named }

    private readonly Kind _kind;
    private readonly int _layerCount;
    private readonly IReadOnlyList<string> _names;

    private ParameterSelection(Kind kind, int layerCount, IReadOnlyList<string> names)
    {
        _kind = kind;
        _layerCount = layerCount;
        _names = names;
    }

    public static ParameterSelection All { get; } = new(Kind.All, 0, Array.Empty<string>());

    public static ParameterSelection LastLayers(int count) => count >= 1
        ? new(Kind.LastLayers, count, Array.Empty<string>())
        : throw new InputException(ErrorCodes.UnknownParameterGroup,
            $"the number of linearized layers must be at least 1 (got {count}).", "linearize at least the last layer.");

    public static ParameterSelection Named(params string[] names) => names.Length > 0
        ? new(Kind.Named, 0, names.ToArray())
        : throw new InputException(ErrorCodes.UnknownParameterGroup,
            "the list of linearized parameter groups is empty.", "name at least one parameter or module.");

    public override string ToString() => _kind switch
    {
        Kind.All => "all parameters",
        Kind.LastLayers => $"the last {_layerCount} parametric layer(s)",
        _ => $"the parameter groups {string.Join(", ", _names)}",
    };

    /// <summary>The names of the selected parameters (weights and biases) among the given layers.</summary>
    public IReadOnlySet<string> Resolve(IReadOnlyList<ParametricLayer> layers)
    {
        var all = layers.SelectMany(l => l.HasBias ? new[] { l.WeightName, l.BiasName } : new[] { l.WeightName }).ToList();
        switch (_kind)
        {
            case Kind.All:
                return all.ToHashSet(StringComparer.Ordinal);
            case Kind.LastLayers:
                if (_layerCount > layers.Count)
                    throw new InputException(ErrorCodes.UnknownParameterGroup,
                        $"cannot linearize the last {_layerCount} layers: the network has {layers.Count} parametric layer(s).",
                        $"use at most {layers.Count}.");
                return layers.Skip(layers.Count - _layerCount)
                    .SelectMany(l => l.HasBias ? new[] { l.WeightName, l.BiasName } : new[] { l.WeightName })
                    .ToHashSet(StringComparer.Ordinal);
            default:
                var selected = new HashSet<string>(StringComparer.Ordinal);
                foreach (string group in _names)
                {
                    var matches = all.Where(p => p == group || p.StartsWith(group + ".", StringComparison.Ordinal)).ToList();
                    if (matches.Count == 0)
                        throw new InputException(ErrorCodes.UnknownParameterGroup,
                            $"no parameter of the network is named '{group}' or lies under it.",
                            $"the network's parameters are: {string.Join(", ", all)}.");
                    selected.UnionWith(matches);
                }
                return selected;
        }
    }
}
