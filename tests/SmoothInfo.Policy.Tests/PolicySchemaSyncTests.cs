using SmoothInfo.Policy.Loading;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Policy.Tests;

/// <summary>The schema shipped to editors and the binder that builds the model must know the same keys.</summary>
public sealed class PolicySchemaSyncTests : PolicyFiles
{
    [Test]
    public void BinderReadsExactlyTheKeysTheSchemaDefines()
    {
        var trace = new BindingTrace();
        PolicyLoader.LoadTraced(PolicyPath, EveryOptionalSection, trace);
        var schemaKeys = KeysOf(PolicySchema.Root, "").ToHashSet();
        Assert.That(trace.Keys.Except(schemaKeys), Is.Empty, "the binder reads keys the schema lacks");
        Assert.That(schemaKeys.Except(trace.Keys), Is.Empty, "the schema defines keys the binder ignores");
    }

    [Test]
    public void EnumValuesInTheSchemaAreTheModelsEnumMembers()
    {
        var trace = new BindingTrace();
        PolicyLoader.LoadTraced(PolicyPath, EveryOptionalSection, trace);
        Assert.That(trace.EnumTypes, Is.Not.Empty);
        foreach (var (path, type) in trace.EnumTypes)
        {
            var schema = Find(path.TrimEnd(']', '['));
            if (path.EndsWith("[]", StringComparison.Ordinal)) schema = schema.Items!;
            schema = schema.AnyOf.FirstOrDefault(b => b.Enum is not null) ?? schema; // a name-or-mapping key: its names
            var members = Enum.GetNames(type).Select(KebabCase.Of);
            Assert.That(schema.Enum, Is.EquivalentTo(members), path);
        }
    }

    [Test]
    public void EveryKeyIsDocumentedInTheSchemaAndTheShippedCopyIsTheEmbeddedOne()
    {
        foreach (string key in KeysOf(PolicySchema.Root, ""))
            Assert.That(Find(key).Description, Is.Not.Empty, key);
        string shipped = Path.Combine(AppContext.BaseDirectory, "smoothinfo.schema.json");
        Assert.That(File.ReadAllText(shipped), Is.EqualTo(PolicySchema.Text()));
    }

    [Test]
    public void EveryKeyHasADefaultOrIsRequired()
    {
        foreach (var (path, schema, parent) in Walk(PolicySchema.Root, ""))
        {
            bool isSection = schema.Types.Contains("object");
            bool required = Mapping(parent).Required.Contains(path.Split('.')[^1]);
            Assert.That(isSection || required || schema.HasDefault, Is.True, $"'{path}' needs a default (docs/policy.md lists them)");
        }
    }

    [Test]
    public void EveryIntegerFitsTheModelsInt()
    {
        // The model binds integers as int except these (long); a bigger value must be a range error, not an overflow.
        var longKeys = new[] { "estimator.seed", "training.steps", "rules.budgets.overall.maxCount", "rules.budgets.perClass.maxCount", "rules.budgets.perSource.maxCount" };
        foreach (var (path, schema, _) in Walk(PolicySchema.Root, "").Where(w => !longKeys.Contains(w.Path)))
        {
            var integers = new[] { schema, schema.Items }.Concat(schema.AnyOf).Where(n => n is not null && n.Types.Contains("integer") && n.Enum is null);
            foreach (var node in integers)
                Assert.That(node!.Maximum, Is.Not.Null.And.LessThanOrEqualTo(int.MaxValue), path);
        }
    }

    [TestCase("model:\n  probe: { widths: [99999999999] }\n", "'model.probe.widths[0]' is 99999999999; it must be between 1 and 65536.")]
    [TestCase("model:\n  linearize: 99999999999\n", "'model.linearize' is the integer 99999999999; 'all' or an integer from 1 to 1000 is expected.")]
    public void HugeIntegersAreRangeErrorsNotOverflows(string section, string message)
    {
        var e = SingleError(MinimalPolicy + section);
        Assert.That(e.Message, Is.EqualTo(message));
    }

    [Test]
    public void EveryKeyIsInTheReferenceTableOfDocsPolicyMd()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "SmoothInfo.Build.sln"))) root = root.Parent ?? throw new DirectoryNotFoundException("repository root");
        string docs = File.ReadAllText(Path.Combine(root.FullName, "docs", "policy.md"));
        foreach (string key in KeysOf(PolicySchema.Root, ""))
            Assert.That(docs, Does.Contain($"| `{key}` |"), key);
    }

    /// <summary>The binder reads an optional section's keys only when it is written (heldOut), so the trace needs it written.</summary>
    private const string EveryOptionalSection = MinimalPolicy + "heldOut:\n  format: csv\n  path: train.csv\n";

    private static SchemaNode Find(string path) =>
        path.Split('.').Aggregate(PolicySchema.Root, (node, key) => Mapping(node).Properties[key]);

    /// <summary>The node itself, or for a key that takes a name or a mapping, its mapping branch.</summary>
    private static SchemaNode Mapping(SchemaNode node) => node.AnyOf.FirstOrDefault(b => b.Allows("object")) ?? node;

    private static IEnumerable<string> KeysOf(SchemaNode node, string prefix) => Walk(node, prefix).Select(w => w.Path);

    private static IEnumerable<(string Path, SchemaNode Schema, SchemaNode Parent)> Walk(SchemaNode node, string prefix)
    {
        foreach (var (key, child) in Mapping(node).Properties)
        {
            string path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            yield return (path, child, node);
            foreach (var nested in Walk(child, path)) yield return nested;
        }
    }
}
