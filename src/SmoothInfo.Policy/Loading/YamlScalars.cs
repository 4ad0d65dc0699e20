using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SmoothInfo.Policy.Loading;

/// <summary>
/// How a YAML scalar is typed: YAML 1.2 core schema rules for plain scalars; quoted scalars are always
/// strings (so <c>"1"</c> is the text 1, as a user who quoted it meant).
/// </summary>
internal static class YamlScalars
{
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } s && s.Value is null or "" or "~" or "null" or "Null" or "NULL";

    public static bool TryInteger(YamlNode node, out long value)
    {
        value = 0;
        return IsPlain(node, out string text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryNumber(YamlNode node, out double value)
    {
        value = 0;
        return IsPlain(node, out string text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);
    }

    public static bool TryBoolean(YamlNode node, out bool value)
    {
        value = false;
        if (!IsPlain(node, out string text)) return false;
        if (text is "true" or "True" or "TRUE") value = true;
        else if (text is not ("false" or "False" or "FALSE")) return false;
        return true;
    }

    /// <summary>The scalar's text as the user wrote it (for messages and for string values).</summary>
    public static string Text(YamlNode node) => node switch
    {
        YamlScalarNode s => s.Value ?? "",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => node.ToString(),
    };

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when IsNull(node) => "no value",
        _ when TryBoolean(node, out _) => $"the boolean {Text(node)}",
        _ when TryInteger(node, out _) => $"the integer {Text(node)}",
        _ when TryNumber(node, out _) => $"the number {Text(node)}",
        _ => $"the text '{Text(node)}'",
    };

    private static bool IsPlain(YamlNode node, out string text)
    {
        text = node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: { } v } ? v : "";
        return text.Length > 0;
    }
}
