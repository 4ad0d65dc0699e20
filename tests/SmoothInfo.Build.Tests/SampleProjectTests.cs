using System.Text.Json;

namespace SmoothInfo.Build.Tests;

/// <summary>
/// The README's main job with the real estimator: `dotnet build sample-project` (a copy, so the repository stays
/// clean) fails with one error per finding at its PNG; a rules-only edit is judged again from the real tool's
/// estimator cache; accepting the findings into the baseline makes it pass.
/// </summary>
public sealed class SampleProjectTests
{
    private string _copy = "";

    [SetUp]
    public void CopySampleProject()
    {
        _copy = Path.Combine(Path.GetTempPath(), "smoothinfo-sample-" + Guid.NewGuid().ToString("N")[..8]);
        string source = Path.Combine(RepoLayout.RepoRoot, "sample-project");
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj" or "artifacts" || relative == "smoothinfo-baseline.json") continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_copy, relative))!);
            File.Copy(file, Path.Combine(_copy, relative));
        }
    }

    [TearDown]
    public void DeleteCopy() => Directory.Delete(_copy, recursive: true);

    [Test]
    public void FailsWithOneErrorPerFindingAtItsImageAndPassesOnceTheFindingsAreAccepted()
    {
        var environment = new Dictionary<string, string> { ["SmoothInfoRepo"] = RepoLayout.RepoRoot };
        var build = DotnetCli.Run(_copy, new[] { "build", "-c", RepoLayout.Configuration }, environment);

        Assert.That(build.ExitCode, Is.Not.Zero, build.ToString());
        var findings = build.Diagnostics("SI100");
        // The policy makes the top 1% by label surprise (20 of 2,000 images) findings, and the default input rule adds
        // the 4 inputs farthest from the data's principal subspace; each points at an image file that exists.
        Assert.That(findings, Has.Count.EqualTo(24), build.ToString());
        var images = findings.Select(f => f[..f.IndexOf(" : error SI100", StringComparison.Ordinal)]).ToList();
        Assert.That(images, Has.All.StartWith(Path.Combine(_copy, "data", "train")).And.All.EndWith(".png"));
        Assert.That(images.Where(i => !File.Exists(i)), Is.Empty);
        Assert.That(build.Diagnostics("SI1100"), Has.Count.EqualTo(1));

        // Which planted problems are found is documented in the README and docs/rules-and-reports.md; this keeps them true.
        using var truth = JsonDocument.Parse(File.ReadAllText(Path.Combine(_copy, "data", "planted.json")));
        var found = truth.RootElement.GetProperty("planted").EnumerateArray()
            .Select(p => p.GetProperty("file").GetString()!)
            .Where(file => images.Contains(Path.Combine(_copy, file)))
            .Select(Path.GetFileNameWithoutExtension).Order().ToList();
        Assert.That(found, Is.EqualTo(new[] { "0362", "0426", "0448", "0483", "0616", "1484", "1587" }));

        // Tighter thresholds (top 0.5%) change only the rules: the build runs the tool again, which reuses its
        // estimator cache instead of rewriting it.
        string cache = Directory.EnumerateFiles(Path.Combine(_copy, "artifacts"), "smoothinfo-cache.json", SearchOption.AllDirectories).Single();
        var cached = File.GetLastWriteTimeUtc(cache);
        string policy = Path.Combine(_copy, "smoothinfo.yml");
        File.WriteAllText(policy, File.ReadAllText(policy).Replace("threshold: 0.99", "threshold: 0.995"));
        var tightened = DotnetCli.Run(_copy, new[] { "build", "-c", RepoLayout.Configuration }, environment);
        Assert.That(tightened.ExitCode, Is.Not.Zero, tightened.ToString());
        Assert.That(File.GetLastWriteTimeUtc(cache), Is.EqualTo(cached), "the estimator ran again");
        Assert.That(tightened.Diagnostics("SI100"), Has.Count.EqualTo(14), tightened.ToString());
        Assert.That(tightened.Diagnostics("SI100").Select(f => f[..f.IndexOf(" : error SI100", StringComparison.Ordinal)]), Is.SubsetOf(images));

        string tool = Path.Combine(RepoLayout.RepoRoot, "src", "SmoothInfo.Cli", "bin", RepoLayout.Configuration, "net10.0", "smoothinfo.dll");
        var baseline = DotnetCli.Run(_copy, new[] { tool, "baseline", "--policy", Path.Combine(_copy, "smoothinfo.yml"), "--no-progress" });
        Assert.That(baseline.ExitCode, Is.Zero, baseline.ToString());

        var rebuild = DotnetCli.Run(_copy, new[] { "build", "-c", RepoLayout.Configuration }, environment);
        Assert.That(rebuild.ExitCode, Is.Zero, rebuild.ToString());
        Assert.That(rebuild.Diagnostics(), Is.Empty);
    }
}
