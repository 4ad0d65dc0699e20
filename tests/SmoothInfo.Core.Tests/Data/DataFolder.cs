using SmoothInfo.Data;
using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Loading;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Tests.Data;

/// <summary>A temp folder for data files; policies are written as YAML and loaded for real, so defaults are the schema's.</summary>
public abstract class DataFolder
{
    protected string Dir { get; private set; } = "";

    [SetUp]
    public void CreateFolder() => Dir = Directory.CreateTempSubdirectory("data-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(Dir, recursive: true);

    protected string PathOf(string name) => Path.Combine(Dir, name);

    protected string WriteText(string name, string text)
    {
        string path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    protected string WriteBytes(string name, byte[] bytes)
    {
        string path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>The dataset section of a policy from YAML lines under 'dataset:' (two-space indented).</summary>
    protected SmoothInfoPolicy Policy(string datasetLines, int maxSamples = 20000)
    {
        string yaml = "version: 1\ndataset:\n" + string.Join("\n", datasetLines.Split('\n').Select(l => "  " + l)) +
            $"\nestimator:\n  maxSamples: {maxSamples}\n";
        return PolicyLoader.Load(PathOf("smoothinfo.yml"), yaml);
    }

    protected Dataset Read(string datasetLines, int maxSamples = 20000) => DatasetReader.Read(Policy(datasetLines, maxSamples));

    protected InputException ReadFails(string datasetLines, int maxSamples = 20000)
    {
        var policy = Policy(datasetLines, maxSamples);
        return Assert.Throws<InputException>(() => DatasetReader.Read(policy))!;
    }

    /// <summary>Every feature of a dataset, row-major, as its store hands them out.</summary>
    protected static float[] AllFeatures(Dataset data)
    {
        var all = new float[data.Count * data.FeatureCount];
        data.CopyFeatures(0, data.Count, all);
        return all;
    }

    protected static void AssertError(InputException e, string code, string file, int line = 0)
    {
        Assert.That(e.Code, Is.EqualTo(code), e.ToDiagnosticLine());
        Assert.That(e.Location!.File, Is.EqualTo(file));
        if (line > 0) Assert.That(e.Location.Line, Is.EqualTo(line), e.ToDiagnosticLine());
        Assert.That(e.Fix, Is.Not.Null.And.Not.Empty, "every input error says how to fix it");
    }
}
