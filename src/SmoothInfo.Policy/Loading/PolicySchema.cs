using System.Text.Json.Nodes;

namespace SmoothInfo.Policy.Loading;

/// <summary>
/// The policy's JSON Schema (embedded in this assembly; the same file ships beside the tool for editors).
/// It is the single source of truth for the keys, their types, ranges and defaults: the validator checks
/// a policy against it and the binder takes its defaults from it, so docs, editors and the loader agree.
/// Only the part of JSON Schema draft-07 that the file uses is understood (see <see cref="SchemaNode"/>).
/// </summary>
public static class PolicySchema
{
    public const string ResourceName = "SmoothInfo.Policy.smoothinfo.schema.json";

    private static readonly Lazy<JsonObject> Document = new(LoadDocument);

    public static SchemaNode Root => new(Document.Value, Document.Value);

    /// <summary>The schema text, for writing it next to a policy or printing it.</summary>
    public static string Text()
    {
        using var stream = typeof(PolicySchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the embedded resource {ResourceName} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static JsonObject LoadDocument() => JsonNode.Parse(Text())!.AsObject();
}

/// <summary>One schema object with its <c>$ref</c> resolved.</summary>
public sealed class SchemaNode
{
    private readonly JsonObject _json;
    private readonly JsonObject _root;

    internal SchemaNode(JsonObject json, JsonObject root)
    {
        _root = root;
        _json = json["$ref"] is JsonValue reference ? Resolve(reference.GetValue<string>(), root) : json;
    }

    public string Description => (string?)_json["description"] ?? "";

    /// <summary>The allowed JSON types ("object", "array", "string", "integer", "number", "boolean", "null").</summary>
    public IReadOnlyList<string> Types => _json["type"] switch
    {
        JsonArray many => many.Select(t => (string)t!).ToArray(),
        JsonValue one => new[] { (string)one! },
        _ => Array.Empty<string>(),
    };

    public bool Allows(string type) => Types.Contains(type) || (type == "integer" && Types.Contains("number"));

    public IReadOnlyDictionary<string, SchemaNode> Properties =>
        _json["properties"] is JsonObject properties
            ? properties.ToDictionary(p => p.Key, p => new SchemaNode(p.Value!.AsObject(), _root), StringComparer.Ordinal)
            : new Dictionary<string, SchemaNode>();

    public IReadOnlyList<string> Required => _json["required"] is JsonArray required ? required.Select(r => (string)r!).ToArray() : Array.Empty<string>();

    public SchemaNode? Items => _json["items"] is JsonObject items ? new SchemaNode(items, _root) : null;

    public IReadOnlyList<SchemaNode> AnyOf =>
        _json["anyOf"] is JsonArray branches ? branches.Select(b => new SchemaNode(b!.AsObject(), _root)).ToArray() : Array.Empty<SchemaNode>();

    /// <summary>The allowed values as text (strings and integers), or null when any value of the type is allowed.</summary>
    public IReadOnlyList<string>? Enum => _json["enum"] is JsonArray values ? values.Select(v => v!.ToJsonString().Trim('"')).ToArray() : null;

    public double? Minimum => (double?)_json["minimum"];
    public double? Maximum => (double?)_json["maximum"];
    public double? ExclusiveMinimum => (double?)_json["exclusiveMinimum"];
    public int? MinItems => (int?)_json["minItems"];
    public int? MaxItems => (int?)_json["maxItems"];

    public bool HasDefault => _json.ContainsKey("default");

    /// <summary>The default as JSON text (JSON is YAML, so the binder parses it like a policy value).</summary>
    public string? DefaultJson => HasDefault ? _json["default"]?.ToJsonString() ?? "null" : null;

    /// <summary>Our own keyword: "existing" (file or folder) or "existing-file" paths must exist at load time.</summary>
    public string? PathRule => (string?)_json["x-smoothinfo-path"];

    private static JsonObject Resolve(string reference, JsonObject root)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
            throw new InvalidOperationException($"only local $ref are supported, not {reference}");
        JsonNode node = root;
        foreach (string part in reference[2..].Split('/')) node = node[part] ?? throw new InvalidOperationException($"$ref {reference} does not resolve");
        return node.AsObject();
    }
}
