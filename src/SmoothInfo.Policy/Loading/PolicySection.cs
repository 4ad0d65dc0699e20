using System.Globalization;
using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;
using YamlDotNet.RepresentationModel;

namespace SmoothInfo.Policy.Loading;

/// <summary>
/// Typed access to one mapping of an already validated policy. A key the user left out yields the
/// schema's default, so defaults live in one place. Every key asked for is recorded in
/// <see cref="BindingTrace"/>, which lets a test prove the binder and the schema know the same keys.
/// </summary>
internal sealed class PolicySection
{
    private readonly YamlMappingNode? _mapping;
    private readonly SchemaNode _schema;
    private readonly string _path;
    private readonly BindingTrace _trace;

    public PolicySection(YamlMappingNode? mapping, SchemaNode schema, string path, string policyFile, BindingTrace trace)
    {
        _mapping = mapping;
        _schema = schema;
        _path = path;
        PolicyFile = policyFile;
        _trace = trace;
    }

    public string PolicyFile { get; }

    public PolicySection Section(string key) =>
        new(Value(key) as YamlMappingNode, Property(key), Join(key), PolicyFile, _trace);

    /// <summary>
    /// The mapping form of a key that takes a name or a mapping (model.backbone: resnet18, or { onnx: ... }), read against
    /// the schema's object branch; when a name is written, its keys read as their defaults (or null).
    /// </summary>
    public PolicySection ObjectBranch(string key)
    {
        var branch = Property(key).AnyOf.FirstOrDefault(b => b.Allows("object"))
            ?? throw new InvalidOperationException($"'{Join(key)}' has no mapping form in the policy schema");
        return new(Written(key) as YamlMappingNode, branch, Join(key), PolicyFile, _trace);
    }

    public string? String(string key) => Value(key) is { } node && !YamlScalars.IsNull(node) ? YamlScalars.Text(node) : null;

    public string RequiredString(string key) => String(key) ?? throw MissingAfterValidation(key);

    public long? NullableInteger(string key) => Value(key) is { } node && YamlScalars.TryInteger(node, out long v) ? v : null;

    public long Integer(string key) => NullableInteger(key) ?? throw MissingAfterValidation(key);

    public double? NullableNumber(string key) => Value(key) is { } node && YamlScalars.TryNumber(node, out double v) ? v : null;

    public double Number(string key) => NullableNumber(key) ?? throw MissingAfterValidation(key);

    public bool Boolean(string key) => Value(key) is { } node && YamlScalars.TryBoolean(node, out bool v) ? v : throw MissingAfterValidation(key);

    public T Enum<T>(string key) where T : struct, Enum
    {
        _trace.EnumTypes[Join(key)] = typeof(T);
        return KebabCase.Parse<T>(RequiredString(key));
    }

    public IReadOnlyList<string> Strings(string key) => Items(key).Select(YamlScalars.Text).ToArray();

    public IReadOnlyList<int> Integers(string key) =>
        Items(key).Select(n => int.Parse(YamlScalars.Text(n), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)).ToArray();

    public IReadOnlyList<T> Enums<T>(string key) where T : struct, Enum
    {
        _trace.EnumTypes[Join(key) + "[]"] = typeof(T);
        return Items(key).Select(n => KebabCase.Parse<T>(YamlScalars.Text(n))).ToArray();
    }

    /// <summary>A path value made absolute against the policy file's folder.</summary>
    public string? Path(string key) => String(key) is { } relative
        ? System.IO.Path.GetFullPath(relative, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(PolicyFile))!)
        : null;

    /// <summary>Whether the user wrote the key (rather than leaving it to its default).</summary>
    public bool IsWritten(string key) => Written(key) is not null;

    /// <summary>Where a key's value (or, when left out, its mapping) is written, for checks across keys.</summary>
    public SourceLocation Locate(string key)
    {
        var node = Written(key) ?? (YamlNode?)_mapping;
        return node is null ? new SourceLocation(PolicyFile) : new SourceLocation(PolicyFile, (int)node.Start.Line, (int)node.Start.Column);
    }

    private IEnumerable<YamlNode> Items(string key) => Value(key) is YamlSequenceNode sequence ? sequence.Children : Enumerable.Empty<YamlNode>();

    /// <summary>The user's node for a key, else the schema default parsed as YAML (JSON is YAML).</summary>
    private YamlNode? Value(string key)
    {
        var property = Property(key);
        if (Written(key) is { } written) return written;
        if (property.DefaultJson is not { } json) return null;
        var stream = new YamlStream();
        stream.Load(new StringReader(json));
        return stream.Documents[0].RootNode;
    }

    private YamlNode? Written(string key) =>
        _mapping is not null && _mapping.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    private SchemaNode Property(string key)
    {
        _trace.Keys.Add(Join(key));
        return _schema.Properties.TryGetValue(key, out var property)
            ? property
            : throw new InvalidOperationException($"the binder reads '{Join(key)}', which the policy schema does not define");
    }

    private string Join(string key) => _path.Length == 0 ? key : $"{_path}.{key}";

    private InvalidOperationException MissingAfterValidation(string key) =>
        new($"'{Join(key)}' has neither a value nor a default after validation; the schema needs a default or 'required'");
}

/// <summary>The keys (dotted paths) the binder asked for, and the C# enum behind each enum-valued key.</summary>
internal sealed class BindingTrace
{
    public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, Type> EnumTypes { get; } = new(StringComparer.Ordinal);
}
