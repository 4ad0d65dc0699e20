using System.Xml.Linq;
using SmoothInfo.Build.Estimator;

namespace SmoothInfo.Build.Tests.Estimator;

/// <summary>
/// Which estimator package the gate downloads for the machine that builds, from the two runtime identifiers the .NET SDK
/// reports about itself. The platform list is the one the CLI packs and SmoothInfo.Build records (build/TorchRid.props).
/// </summary>
public sealed class EstimatorPlatformTests
{
    private static readonly string[] Supported = PackedPlatforms();

    [Test]
    public void TheEstimatorIsPackedForTheFourPlatformsLibtorchShipsFor() =>
        Assert.That(Supported, Is.EqualTo(new[] { "linux-x64", "win-x64", "win-arm64", "osx-arm64" }));

    // What the SDK on each platform reports: its own RID and the portable one.
    [TestCase("linux-x64", "linux-x64", "linux-x64")]
    [TestCase("win-x64", "win-x64", "win-x64")]
    [TestCase("win-arm64", "win-arm64", "win-arm64")]
    [TestCase("osx-arm64", "osx-arm64", "osx-arm64")]
    // A distribution's source-built SDK: a non-portable RID, and the portable one beside it.
    [TestCase("ubuntu.24.04-x64", "linux-x64", "linux-x64")]
    [TestCase("fedora.41-x64", "linux-x64", "linux-x64")]
    // An SDK old enough to report only one of them, in either property.
    [TestCase("win-x64", "", "win-x64")]
    [TestCase("", "osx-arm64", "osx-arm64")]
    [TestCase("Linux-X64", "", "linux-x64")]
    public void EachSupportedPlatformGetsItsOwnPackage(string sdk, string portable, string expected) =>
        Assert.That(EstimatorPlatform.Resolve(sdk, portable, Supported), Is.EqualTo(expected));

    // libtorch has no build for these: Linux on ARM, Intel Macs, musl (Alpine), 32-bit Windows, FreeBSD.
    [TestCase("linux-arm64", "linux-arm64")]
    [TestCase("osx-x64", "osx-x64")]
    [TestCase("linux-musl-x64", "linux-musl-x64")]
    [TestCase("alpine.3.20-x64", "linux-musl-x64")]
    [TestCase("win-x86", "win-x86")]
    [TestCase("freebsd-x64", "")]
    [TestCase("", "")]
    public void APlatformWithoutAPackageResolvesToNothing(string sdk, string portable) =>
        Assert.That(EstimatorPlatform.Resolve(sdk, portable, Supported), Is.Null);

    [Test]
    public void ThePortableIdentifierWinsOverTheSdksOwn() =>
        // A non-portable RID that happens to look supported must not hide what the portable one says.
        Assert.That(EstimatorPlatform.Resolve("linux-x64", "linux-musl-x64", Supported), Is.Null);

    [TestCase("linux-arm64", "linux-arm64", "linux-arm64")]
    [TestCase("alpine.3.20-x64", "linux-musl-x64", "alpine.3.20-x64 (linux-musl-x64)")]
    [TestCase("", "osx-x64", "osx-x64")]
    [TestCase("", "", "unknown (the .NET SDK named no runtime identifier)")]
    public void TheErrorNamesThePlatformAsTheSdkReportsIt(string sdk, string portable, string expected) =>
        Assert.That(EstimatorPlatform.Describe(sdk, portable), Is.EqualTo(expected));

    private static string[] PackedPlatforms()
    {
        var props = XDocument.Load(Path.Combine(RepoLayout.RepoRoot, "build", "TorchRid.props"));
        string list = props.Descendants("SmoothInfoEstimatorRuntimeIdentifiers").Single().Value;
        return list.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
