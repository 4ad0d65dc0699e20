using System.Globalization;

namespace SmoothInfo.Build.Tests;

/// <summary>
/// Only the change can fail a pull request, through `dotnet build` with the real estimator: after `smoothinfo baseline`,
/// findings on samples the baseline's snapshot holds unchanged are warnings, and a sample whose label a change alters is
/// the one error.
/// </summary>
public sealed class ChangedSamplesTests
{
    private const int Rows = 150;

    private static string Cli => Path.Combine(RepoLayout.RepoRoot, "src", "SmoothInfo.Cli", "bin", RepoLayout.Configuration, "net10.0", "smoothinfo.dll");

    [Test]
    public void AfterABaselineOnlyTheSampleAChangeRelabelsFailsTheBuildAndUnchangedFindingsAreWarnings()
    {
        // `dotnet test` runs this project while the solution's other projects may still be building: build the tool first,
        // as a project referencing it would.
        var tool = DotnetCli.Run(RepoLayout.RepoRoot, ["build", Path.Combine(RepoLayout.RepoRoot, "src", "SmoothInfo.Cli", "SmoothInfo.Cli.csproj"),
            "-c", RepoLayout.Configuration, "-tl:off", "-nologo"]);
        Assert.That(tool.ExitCode, Is.Zero, tool.ToString());
        using var project = GateProject.ImportingTargets($"<SmoothInfoToolPath>{Cli}</SmoothInfoToolPath>");
        var (rows, labels) = ThreeOverlappingClasses();
        project.Write(GateProject.DataFile, Csv(rows, labels));
        // The baseline is made under a strict threshold; the policy then lowers it, so that samples the baseline did not
        // accept become findings although none of them changed: as when other samples' changes move their scores.
        project.Write("smoothinfo.yml", Policy(threshold: 0.5));
        var baseline = DotnetCli.Run(project.Folder, [Cli, "baseline", "--policy", project.PolicyFile, "--no-progress"]);
        Assert.That(baseline.ExitCode, Is.Zero, baseline.ToString());
        project.Write("smoothinfo.yml", Policy(threshold: 0.05));

        var unchanged = project.Build();
        Assert.That(unchanged.ExitCode, Is.Zero, "no sample changed, so nothing may fail the build\n" + unchanged);
        var warnings = unchanged.Diagnostics("SI100");
        Assert.That(warnings, Is.Not.Empty, "the lower threshold must flag unchanged samples for this test to mean anything\n" + unchanged);
        Assert.That(warnings, Has.All.Contains(": warning SI100").And.All.Contains("unchanged since the baseline"));

        // A pull request relabels one sample that sits in the middle of its class.
        int changed = Enumerable.Range(0, Rows).Where(i => labels[i] == 0).MinBy(i => Distance(rows[i], Centre(0)));
        labels[changed] = 2;
        project.Write(GateProject.DataFile, Csv(rows, labels));
        var relabelled = project.Build();

        Assert.That(relabelled.ExitCode, Is.Not.Zero, relabelled.ToString());
        var errors = relabelled.Diagnostics("SI100").Where(l => l.Contains(": error SI100")).ToList();
        string line = (changed + 2).ToString(CultureInfo.InvariantCulture); // the header is line 1
        Assert.That(errors, Has.Count.EqualTo(1), relabelled.ToString());
        Assert.That(errors[0], Does.Contain($"{GateProject.DataFile}({line},"), relabelled.ToString());
        Assert.That(relabelled.Diagnostics("SI100").Where(l => l.Contains(": warning SI100")), Is.Not.Empty);

        // The policy can ask for every finding to count.
        project.Write("smoothinfo.yml", Policy(threshold: 0.05) + "  unchangedSamples: error\n");
        var strict = project.Build();
        Assert.That(strict.ExitCode, Is.Not.Zero);
        Assert.That(strict.Diagnostics("SI100").Where(l => l.Contains(": error SI100")).Count(), Is.GreaterThan(1), strict.ToString());
    }

    private static string Policy(double threshold)
    {
        string t = threshold.ToString(CultureInfo.InvariantCulture);
        return $$"""
            version: 1
            dataset: { format: csv, path: {{GateProject.DataFile}}, labelColumn: label, preprocessing: { features: standardize } }
            model: { probe: { kind: gaussian } }
            training: { steps: inf, weightDecay: auto }
            estimator: { device: cpu }
            baseline: smoothinfo.baseline.json
            reports: { directory: artifacts/smoothinfo, formats: [json] }
            rules:
              score: label-surprise
              mislabeled: { kind: absolute, threshold: {{t}} }
              corrupted: { kind: absolute, threshold: {{t}} }
              adversarialLooking: { kind: absolute, threshold: {{t}} }
              atypical: { enabled: false }
              inputOutliers: { enabled: false }

            """;
    }

    /// <summary>Three Gaussian classes in two dimensions whose tails overlap, so some samples surprise the rest (seeded).</summary>
    private static (double[][] Rows, int[] Labels) ThreeOverlappingClasses()
    {
        var random = new Random(17);
        var labels = Enumerable.Range(0, Rows).Select(i => i % 3).ToArray();
        var rows = labels.Select(c =>
        {
            var centre = Centre(c);
            return new[] { centre[0] + Normal(random), centre[1] + Normal(random) };
        }).ToArray();
        return (rows, labels);
    }

    private static double[] Centre(int c) => [2.0 * Math.Cos(2 * Math.PI * c / 3), 2.0 * Math.Sin(2 * Math.PI * c / 3)];

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static double Distance(double[] a, double[] b) => Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum());

    private static string Csv(double[][] rows, int[] labels) => "x,y,label\n" + string.Concat(rows.Select((r, i) =>
        string.Create(CultureInfo.InvariantCulture, $"{r[0]:R},{r[1]:R},{"abc"[labels[i]]}\n")));
}
