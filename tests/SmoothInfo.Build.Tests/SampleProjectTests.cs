using System.Text.Json;

namespace SmoothInfo.Build.Tests;

/// <summary>
/// The README's main job with the real estimator: `dotnet build sample-project` (a copy, so the repository stays
/// clean) is a pull request that adds a batch of 500 images to a repository whose 2,000 images are baselined. It fails
/// with one error per finding in the batch at its PNG, and findings on the repository's unchanged images are warnings; a
/// rules-only edit is judged again from the real tool's estimator cache; accepting the findings into the baseline makes
/// it pass.
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
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj" or "artifacts") continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_copy, relative))!);
            File.Copy(file, Path.Combine(_copy, relative));
        }
    }

    [TearDown]
    public void DeleteCopy() => Directory.Delete(_copy, recursive: true);

    [Test]
    public void APullRequestsBatchFailsWithOneErrorPerFindingAtItsImageAndPassesOnceTheFindingsAreAccepted()
    {
        var environment = new Dictionary<string, string> { ["SmoothInfoRepo"] = RepoLayout.RepoRoot };
        var build = DotnetCli.Run(_copy, new[] { "build", "-c", RepoLayout.Configuration }, environment);

        Assert.That(build.ExitCode, Is.Not.Zero, build.ToString());
        using var truth = JsonDocument.Parse(File.ReadAllText(Path.Combine(_copy, "data", "planted.json")));
        var batch = truth.RootElement.GetProperty("batch").EnumerateArray().Select(f => Path.Combine(_copy, f.GetString()!)).ToHashSet();
        Assert.That(batch, Has.Count.EqualTo(500));
        var errors = Images(build, "error");
        // Every error is an image the pull request adds, at a file that exists; the repository's own images are warnings.
        Assert.That(errors, Has.All.StartWith(Path.Combine(_copy, "data", "train")).And.All.EndWith(".png"));
        Assert.That(errors.Where(i => !batch.Contains(i)), Is.Empty, build.ToString());
        Assert.That(errors.Where(i => !File.Exists(i)), Is.Empty);
        var warnings = Images(build, "warning");
        Assert.That(warnings.Where(batch.Contains), Is.Empty, build.ToString());
        Assert.That(build.Diagnostics("SI100").Where(l => l.Contains(": warning SI100")), Has.All.Contains("unchanged since the baseline"));
        Assert.That(build.Diagnostics("SI1100"), Has.Count.EqualTo(1));

        // Which planted problems are found, and how many other images, is documented in sample-project/README.md and
        // the README; this keeps them true.
        var planted = truth.RootElement.GetProperty("planted").EnumerateArray().Select(p => Path.Combine(_copy, p.GetProperty("file").GetString()!)).ToList();
        Assert.That(planted.Where(p => !errors.Contains(p)).Select(Path.GetFileNameWithoutExtension), Is.EqualTo(new[] { "2483" }));
        Assert.That(errors, Has.Count.EqualTo(49), build.ToString());
        Assert.That(warnings, Has.Count.EqualTo(9), build.ToString());

        // A stricter threshold changes only the rules: the build runs the tool again, which reuses its estimator cache
        // instead of rewriting it.
        string cache = Directory.EnumerateFiles(Path.Combine(_copy, "artifacts"), "smoothinfo-cache.json", SearchOption.AllDirectories).Single();
        var cached = File.GetLastWriteTimeUtc(cache);
        string policy = Path.Combine(_copy, "smoothinfo.yml");
        File.WriteAllText(policy, File.ReadAllText(policy).Replace("threshold: 0.18", "threshold: 0.3"));
        var tightened = DotnetCli.Run(_copy, new[] { "build", "-c", RepoLayout.Configuration }, environment);
        Assert.That(tightened.ExitCode, Is.Not.Zero, tightened.ToString());
        Assert.That(File.GetLastWriteTimeUtc(cache), Is.EqualTo(cached), "the estimator ran again");
        var stricter = Images(tightened, "error");
        Assert.That(stricter, Is.SubsetOf(errors));
        Assert.That(stricter, Has.Count.LessThan(errors.Count), tightened.ToString());

        string tool = Path.Combine(RepoLayout.RepoRoot, "src", "SmoothInfo.Cli", "bin", RepoLayout.Configuration, "net10.0", "smoothinfo.dll");
        var baseline = DotnetCli.Run(_copy, new[] { tool, "baseline", "--policy", policy, "--no-progress" });
        Assert.That(baseline.ExitCode, Is.Zero, baseline.ToString());

        var rebuild = DotnetCli.Run(_copy, new[] { "build", "-c", RepoLayout.Configuration }, environment);
        Assert.That(rebuild.ExitCode, Is.Zero, rebuild.ToString());
        Assert.That(rebuild.Diagnostics(), Is.Empty);
    }

    /// <summary>The image files of the build's SI100x diagnostics of one severity, each once.</summary>
    private static List<string> Images(CommandResult build, string severity) => build.Diagnostics("SI100")
        .Where(l => l.Contains($" : {severity} SI100", StringComparison.Ordinal))
        .Select(l => l[..l.IndexOf($" : {severity} SI100", StringComparison.Ordinal)]).Distinct().ToList();
}
