using System.Globalization;
using SmoothInfo.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace SmoothInfo.Policy.Loading;

/// <summary>
/// Checks a parsed policy against <see cref="PolicySchema"/> and collects every error (not only the
/// first), each with the policy file, line and column of the offending node.
/// </summary>
internal sealed class SchemaValidator
{
    /// <summary>Keys earlier versions of the schema had, with why they went, so an old policy gets a reason, not just "unknown".</summary>
    private static readonly Dictionary<string, string> RemovedKeys = new(StringComparer.Ordinal)
    {
        ["estimator.kernel.jitter"] = "nothing used it, and a constant on the kernel's diagonal is exactly extra weight decay, " +
            "which 'training.weightDecay' sets.",
    };

    private readonly string _policyFile;
    private readonly string _policyDirectory;
    private readonly List<InputException> _errors = new();

    public SchemaValidator(string policyFile)
    {
        _policyFile = policyFile;
        _policyDirectory = Path.GetDirectoryName(Path.GetFullPath(policyFile))!;
    }

    public IReadOnlyList<InputException> Validate(YamlNode root, SchemaNode schema)
    {
        Check(root, schema, "");
        return _errors;
    }

    private void Check(YamlNode node, SchemaNode schema, string path)
    {
        if (schema.AnyOf.Count > 0)
        {
            CheckAnyOf(node, schema, path);
            return;
        }
        if (YamlScalars.IsNull(node))
        {
            if (!schema.Allows("null"))
                Add(ErrorCodes.PolicyWrongType, node, $"'{path}' has no value; {Expected(schema)} is expected.", $"give '{path}' a value or remove the key to use its default.");
            return;
        }
        switch (node)
        {
            case YamlMappingNode mapping when schema.Allows("object"):
                CheckMapping(mapping, schema, path);
                break;
            case YamlSequenceNode sequence when schema.Allows("array"):
                CheckSequence(sequence, schema, path);
                break;
            case YamlScalarNode when ScalarMatches(node, schema):
                CheckScalarValue(node, schema, path);
                break;
            default:
                Add(ErrorCodes.PolicyWrongType, node, $"'{path}' is {YamlScalars.Describe(node)}; {Expected(schema)} is expected.", FixFor(schema, path));
                break;
        }
    }

    private void CheckMapping(YamlMappingNode mapping, SchemaNode schema, string path)
    {
        var properties = schema.Properties;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            string key = YamlScalars.Text(keyNode);
            if (properties.TryGetValue(key, out var property))
            {
                Check(valueNode, property, Join(path, key));
                continue;
            }
            string? suggestion = DidYouMean.Suggest(key, properties.Keys);
            string where = path.Length == 0 ? "at the top level" : $"in '{path}'";
            string known = string.Join(", ", properties.Keys);
            if (RemovedKeys.TryGetValue(Join(path, key), out string? instead))
            {
                Add(ErrorCodes.PolicyUnknownKey, keyNode, $"'{Join(path, key)}' is no longer a policy key: {instead}", "remove it.");
                continue;
            }
            Add(ErrorCodes.PolicyUnknownKey, keyNode,
                $"unknown key '{key}' {where}." + (suggestion is null ? "" : $" Did you mean '{suggestion}'?"),
                suggestion is null ? $"remove it; the keys allowed here are: {known}." : $"rename it to '{suggestion}' (allowed here: {known}).");
        }
        foreach (string required in schema.Required)
        {
            if (!mapping.Children.Keys.Any(k => YamlScalars.Text(k) == required))
                Add(ErrorCodes.PolicyMissingKey, mapping, $"{(path.Length == 0 ? "the policy" : $"'{path}'")} needs the key '{required}' ({properties[required].Description.TrimEnd('.')}).",
                    $"add '{required}:' {(path.Length == 0 ? "at the top level" : $"under '{path}'")}.");
        }
    }

    private void CheckSequence(YamlSequenceNode sequence, SchemaNode schema, string path)
    {
        int count = sequence.Children.Count;
        if (schema.MinItems is int min && count < min || schema.MaxItems is int max && count > max)
        {
            string size = schema.MinItems == schema.MaxItems ? $"exactly {schema.MinItems}" : schema.MaxItems is null ? $"at least {schema.MinItems}" : $"{schema.MinItems ?? 0} to {schema.MaxItems}";
            Add(ErrorCodes.PolicyValueOutOfRange, sequence, $"'{path}' has {count} item(s); {size} are expected.", $"give {size} items, e.g. {ExampleFor(schema)}.");
        }
        if (schema.Items is not { } items) return;
        for (int i = 0; i < count; i++) Check(sequence.Children[i], items, $"{path}[{i}]");
    }

    private void CheckAnyOf(YamlNode node, SchemaNode schema, string path)
    {
        // A mapping can only mean the mapping branch: its own errors (an unknown key, a missing file) say more than "expected".
        if (node is YamlMappingNode && schema.AnyOf.Count(b => b.Allows("object")) == 1)
        {
            Check(node, schema.AnyOf.First(b => b.Allows("object")), path);
            return;
        }
        foreach (var branch in schema.AnyOf)
        {
            var trial = new SchemaValidator(_policyFile);
            trial.Check(node, branch, path);
            if (trial._errors.Count == 0) return;
        }
        string expected = string.Join(" or ", schema.AnyOf.Select(Expected));
        Add(ErrorCodes.PolicyInvalidValue, node, $"'{path}' is {YamlScalars.Describe(node)}; {expected} is expected.", $"write {expected}.");
    }

    private static bool ScalarMatches(YamlNode node, SchemaNode schema) =>
        (schema.Allows("string") && node is YamlScalarNode)
        || (schema.Types.Contains("boolean") && YamlScalars.TryBoolean(node, out _))
        || (schema.Types.Contains("integer") && YamlScalars.TryInteger(node, out _))
        || (schema.Types.Contains("number") && YamlScalars.TryNumber(node, out _));

    private void CheckScalarValue(YamlNode node, SchemaNode schema, string path)
    {
        string text = YamlScalars.Text(node);
        if (schema.Enum is { } allowed)
        {
            if (!allowed.Contains(text, StringComparer.Ordinal))
            {
                string? suggestion = DidYouMean.Suggest(text, allowed);
                Add(ErrorCodes.PolicyInvalidValue, node,
                    $"'{path}' is '{text}'; one of {string.Join(", ", allowed)} is expected." + (suggestion is null ? "" : $" Did you mean '{suggestion}'?"),
                    $"write one of: {string.Join(", ", allowed)}.");
            }
            return;
        }
        if (YamlScalars.TryNumber(node, out double number) && schema.Allows("integer"))
            CheckRange(node, schema, path, number);
        if (schema.PathRule is { } rule) CheckPathExists(node, rule, path, text);
    }

    private void CheckRange(YamlNode node, SchemaNode schema, string path, double value)
    {
        string? violated =
            schema.ExclusiveMinimum is double exclusive && value <= exclusive ? $"greater than {Format(exclusive)}"
            : schema.Minimum is double min && value < min ? (schema.Maximum is double upper ? $"between {Format(min)} and {Format(upper)}" : $"at least {Format(min)}")
            : schema.Maximum is double max && value > max ? (schema.Minimum is double lower ? $"between {Format(lower)} and {Format(max)}" : $"at most {Format(max)}")
            : null;
        if (violated is not null)
            Add(ErrorCodes.PolicyValueOutOfRange, node, $"'{path}' is {YamlScalars.Text(node)}; it must be {violated}.", $"set '{path}' to a value {violated} ({schema.Description.TrimEnd('.')}).");
    }

    private void CheckPathExists(YamlNode node, string rule, string path, string relative)
    {
        string full = Path.GetFullPath(relative, _policyDirectory);
        bool exists = rule == "existing-file" ? File.Exists(full) : File.Exists(full) || Directory.Exists(full);
        if (!exists)
            Add(ErrorCodes.PolicyPathNotFound, node, $"'{path}' points to '{relative}', which does not exist (looked for {full}).",
                $"correct the path; paths in a policy are relative to the folder of the policy file ({_policyDirectory}).");
    }

    private static string Expected(SchemaNode schema)
    {
        if (schema.AnyOf.Count > 0) return string.Join(" or ", schema.AnyOf.Select(Expected));
        if (schema.Enum is { } allowed) return allowed.Count == 1 ? $"'{allowed[0]}'" : $"one of {string.Join(", ", allowed)}";
        var kinds = schema.Types.Where(t => t != "null").Select(t => t switch
        {
            "object" => "a mapping of keys",
            "array" => schema.Items is { } items ? $"a list of {Plural(items)}" : "a list",
            "integer" => (schema.Minimum, schema.Maximum) switch
            {
                (double min, double max) => $"an integer from {Format(min)} to {Format(max)}",
                (double min, null) => $"an integer of at least {Format(min)}",
                _ => "an integer",
            },
            "number" => "a number",
            "boolean" => "true or false",
            _ => "a text",
        });
        return string.Join(" or ", kinds);
    }

    private static string Plural(SchemaNode items) => items.Enum is { } allowed
        ? $"values from {string.Join(", ", allowed)}"
        : items.Types.FirstOrDefault() switch { "integer" => "integers", "number" => "numbers", _ => "texts" };

    private static string FixFor(SchemaNode schema, string path) =>
        schema.HasDefault ? $"write {Expected(schema)}, e.g. {ExampleFor(schema)}; or remove '{path}' to use the default." : $"write {Expected(schema)}, e.g. {ExampleFor(schema)}.";

    private static string ExampleFor(SchemaNode schema) =>
        schema.DefaultJson is { } json && json != "null" ? json.Replace("\"", "", StringComparison.Ordinal)
        : schema.Types.Contains("array") ? "[1, 2]" : schema.Types.Contains("object") ? "a block of keys indented below it" : "a value";

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
    private static string Format(double value) => value.ToString("G", CultureInfo.InvariantCulture);

    private void Add(string code, YamlNode node, string message, string fix) =>
        _errors.Add(new InputException(code, message, fix, new SourceLocation(_policyFile, (int)node.Start.Line, (int)node.Start.Column)));
}
