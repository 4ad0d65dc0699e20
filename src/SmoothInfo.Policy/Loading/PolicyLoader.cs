using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;
using YamlDotNet.RepresentationModel;

namespace SmoothInfo.Policy.Loading;

/// <summary>
/// Reads smoothinfo.yml: YAML syntax, then the schema (unknown keys, types, ranges, files), then checks
/// across keys. Throws <see cref="PolicyValidationException"/> with every error of the failing stage, each
/// naming the policy file, line and column; nothing else escapes for bad input.
/// </summary>
public static class PolicyLoader
{
    public static SmoothInfoPolicy Load(string policyFile) => Load(policyFile, ReadText(policyFile));

    /// <summary>Loads policy text as if it were stored at <paramref name="policyFile"/> (paths resolve beside it).</summary>
    public static SmoothInfoPolicy Load(string policyFile, string text) => LoadTraced(policyFile, text, new BindingTrace());

    internal static SmoothInfoPolicy LoadTraced(string policyFile, string text, BindingTrace trace)
    {
        var root = Parse(policyFile, text);
        var schemaErrors = new SchemaValidator(policyFile).Validate(root, PolicySchema.Root);
        if (schemaErrors.Count > 0) throw new PolicyValidationException(schemaErrors);
        var (policy, errors) = PolicyBinder.Bind((YamlMappingNode)root, policyFile, trace);
        if (errors.Count > 0) throw new PolicyValidationException(errors);
        return policy;
    }

    private static string ReadText(string policyFile)
    {
        try
        {
            return File.ReadAllText(policyFile);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Single(ErrorCodes.PolicyNotFound, "the policy file does not exist.",
                "create one with `smoothinfo init --dataset <data>`, or pass the right path.", new SourceLocation(policyFile));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Single(ErrorCodes.PolicyNotFound, $"the policy file cannot be read: {e.Message}", "check its permissions.", new SourceLocation(policyFile));
        }
    }

    private static YamlNode Parse(string policyFile, string text)
    {
        YamlStream stream;
        try
        {
            stream = PolicyYamlReader.Read(policyFile, text);
        }
        catch (InputException e)
        {
            throw new PolicyValidationException(new[] { e });
        }
        if (stream.Documents.Count == 0)
            throw Single(ErrorCodes.PolicyMissingKey, "the policy file is empty.", "start from `smoothinfo init --dataset <data>`.", new SourceLocation(policyFile));
        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode;
            throw Single(ErrorCodes.PolicySyntax, "the policy file holds more than one YAML document (a second one starts after '---'); one is expected.",
                "merge the documents into one, or remove the extra '---' line.", new SourceLocation(policyFile, (int)second.Start.Line, (int)second.Start.Column));
        }
        var root = stream.Documents[0].RootNode;
        if (root is not YamlMappingNode)
            throw Single(ErrorCodes.PolicyWrongType, $"the policy is {YamlScalars.Describe(root)}; a mapping of keys (version, dataset, ...) is expected.",
                "start from `smoothinfo init --dataset <data>`.", new SourceLocation(policyFile, (int)root.Start.Line, (int)root.Start.Column));
        return root;
    }

    private static PolicyValidationException Single(string code, string message, string fix, SourceLocation location) =>
        new(new[] { new InputException(code, message, fix, location) });
}
