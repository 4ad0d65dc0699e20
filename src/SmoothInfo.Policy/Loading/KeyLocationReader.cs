using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;
using YamlDotNet.RepresentationModel;

namespace SmoothInfo.Policy.Loading;

/// <summary>Records the position of every key's value in a loaded policy, by dotted path.</summary>
internal static class KeyLocationReader
{
    public static PolicyKeyLocations Read(YamlMappingNode root, string policyFile)
    {
        var written = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        void Walk(YamlMappingNode mapping, string prefix)
        {
            foreach (var (key, value) in mapping.Children)
            {
                if (key is not YamlScalarNode { Value: { } name }) continue;
                string path = prefix.Length == 0 ? name : $"{prefix}.{name}";
                written[path] = new SourceLocation(policyFile, (int)value.Start.Line, (int)value.Start.Column);
                if (value is YamlMappingNode inner) Walk(inner, path);
            }
        }
        // The root mapping stands for top-level keys left out, as the schema's missing-key errors point at it.
        written[""] = new SourceLocation(policyFile, (int)root.Start.Line, (int)root.Start.Column);
        Walk(root, "");
        return new PolicyKeyLocations(policyFile, written);
    }
}
