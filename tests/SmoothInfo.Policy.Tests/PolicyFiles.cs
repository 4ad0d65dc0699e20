using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Loading;

namespace SmoothInfo.Policy.Tests;

/// <summary>A temp folder with a data file, where policies are written and loaded.</summary>
public abstract class PolicyFiles
{
    protected string Dir { get; private set; } = "";
    protected string PolicyPath => Path.Combine(Dir, "smoothinfo.yml");

    [SetUp]
    public void CreateFolder()
    {
        Dir = Directory.CreateTempSubdirectory("policy-").FullName;
        File.WriteAllText(Path.Combine(Dir, "train.csv"), "a,label\n1,x\n");
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(Dir, recursive: true);

    protected const string MinimalPolicy = "version: 1\ndataset:\n  format: csv\n  path: train.csv\n";

    protected Model.SmoothInfoPolicy Load(string yaml)
    {
        File.WriteAllText(PolicyPath, yaml);
        return PolicyLoader.Load(PolicyPath);
    }

    protected IReadOnlyList<InputException> Errors(string yaml)
    {
        File.WriteAllText(PolicyPath, yaml);
        return Assert.Throws<PolicyValidationException>(() => PolicyLoader.Load(PolicyPath))!.Errors;
    }

    protected InputException SingleError(string yaml)
    {
        var errors = Errors(yaml);
        Assert.That(errors, Has.Count.EqualTo(1), string.Join("\n", errors.Select(e => e.ToDiagnosticLine())));
        Assert.That(errors[0].Location!.File, Is.EqualTo(PolicyPath));
        return errors[0];
    }
}
