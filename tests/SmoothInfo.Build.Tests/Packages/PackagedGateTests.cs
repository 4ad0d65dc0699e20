namespace SmoothInfo.Build.Tests.Packages;

/// <summary>
/// The gate as a user gets it: a fresh project references SmoothInfo.Build from the packed feed and nothing else. Its
/// first build downloads the estimator package for this machine (linux-x64 here) and runs a real check with it; the
/// next build finds the package and downloads nothing.
/// </summary>
public sealed class PackagedGateTests
{
    [Test]
    public void AFreshProjectRestoresTheGateAndChecksItsDataWithThisPlatformsEstimator()
    {
        PackedFeed.AssumeThisMachineIsLinuxX64();
        using var project = GateProject.ReferencingPackage(PackedFeed.Version, PackedFeed.NuGetConfig, packagedEstimator: true);
        RealCheckData.WriteInto(project.Folder);

        var first = project.Build(PackedFeed.Environment, "-v:n");
        Assert.That(first.ExitCode, Is.AnyOf(0, 1), first.ToString());
        Assert.That(first.Output, Does.Contain($"SmoothInfo: downloading the estimator for linux-x64 (SmoothInfo.Cli.linux-x64 {PackedFeed.Version})"));
        Assert.That(first.Output, Does.Match(RealCheckData.GateSummary), first.ToString());
        Assert.That(first.Output, Does.Contain($"smoothinfo.cli.linux-x64/{PackedFeed.Version}/tools/net10.0/linux-x64/smoothinfo.dll check"),
            "the check ran the downloaded estimator");
        var downloaded = Directory.GetDirectories(PackedFeed.PackagesFolder).Select(Path.GetFileName).ToList();
        Assert.That(downloaded, Does.Contain("smoothinfo.build").And.Contain("smoothinfo.cli.linux-x64"));
        Assert.That(downloaded.Where(d => d!.StartsWith("smoothinfo.cli.") && d != "smoothinfo.cli.linux-x64"), Is.Empty, "other platforms' packages");

        project.Touch("data/train.csv");
        var second = project.Build(PackedFeed.Environment, "-v:n");
        Assert.That(second.ExitCode, Is.EqualTo(first.ExitCode), second.ToString());
        Assert.That(second.Output, Does.Not.Contain("downloading the estimator"));
        Assert.That(second.Output, Does.Match(RealCheckData.GateSummary), second.ToString());
    }
}
