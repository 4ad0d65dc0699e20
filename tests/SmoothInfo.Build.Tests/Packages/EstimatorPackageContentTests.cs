using System.IO.Compression;
using System.Xml.Linq;
using SmoothInfo.Build.Estimator;
using SmoothInfo.Build.Tests.NativeFiles;

namespace SmoothInfo.Build.Tests.Packages;

/// <summary>
/// What each package holds. A platform's package is judged by the headers of its native files (ELF, PE, Mach-O: which
/// operating system and processor they are built for), not by their names, so a stray native of another platform is
/// caught whatever it is called.
/// </summary>
public sealed class EstimatorPackageContentTests
{
    /// <summary>NuGet.org refuses packages over 250 MB.</summary>
    private const long NuGetOrgLimit = 250L * 1000 * 1000;

    private static readonly string[] Platforms = ["linux-x64", "win-x64", "win-arm64", "osx-arm64"];

    [TestCase("linux-x64", "linux", "x64", "libtorch_cpu.so", "libLibTorchSharp.so", "libSkiaSharp.so", "libonnxruntime.so")]
    [TestCase("win-x64", "windows", "x64", "torch_cpu.dll", "LibTorchSharp.dll", "libSkiaSharp.dll", "onnxruntime.dll")]
    [TestCase("win-arm64", "windows", "arm64", "torch_cpu.dll", "LibTorchSharp.dll", "libSkiaSharp.dll", "onnxruntime.dll")]
    [TestCase("osx-arm64", "macos", "arm64", "libtorch_cpu.dylib", "libLibTorchSharp.dylib", "libSkiaSharp.dylib", "libonnxruntime.dylib")]
    public void EachPlatformsPackageHoldsTheEstimatorAndNativesOfThatPlatformOnly(string rid, string os, string architecture, string libtorch,
        string torchSharp, string skia, string onnxRuntime)
    {
        using var zip = ZipFile.OpenRead(PackedFeed.Package($"{EstimatorPackage.PointerPackageId}.{rid}"));
        var files = zip.Entries.Select(e => e.FullName).ToList();
        string folder = $"tools/{EstimatorPackage.ToolFramework}/{rid}/";

        Assert.That(files, Does.Contain(new EstimatorPackage(rid, PackedFeed.Version).EstimatorPathInPackage), "where the gate looks for it");
        Assert.That(files, Is.SupersetOf(new[] { libtorch, torchSharp, skia, onnxRuntime, "DotnetToolSettings.xml", "models/resnet18/ResNet18.onnx" }
            .Select(f => folder + f)));
        Assert.That(files.Where(f => f.Contains("runtimes/")), Is.Empty, "a RID-specific publish puts its natives beside the estimator");

        var natives = zip.Entries.Select(e => (e.FullName, Binary: ReadHeader(e))).Where(n => n.Binary is not null).ToList();
        Assert.That(natives, Has.Count.GreaterThanOrEqualTo(5), "libtorch, c10, LibTorchSharp, SkiaSharp, ONNX Runtime at least");
        Assert.Multiple(() =>
        {
            foreach (var (name, binary) in natives)
            {
                Assert.That(binary!.OperatingSystem, Is.EqualTo(os), name);
                Assert.That(binary.Architectures, Does.Contain(architecture), name);
            }
        });
    }

    [TestCaseSource(nameof(Platforms))]
    public void EachPlatformsPackageFitsNuGetOrgsLimitAndLeavesOutWhatTheEstimatorNeverLoads(string rid)
    {
        string package = PackedFeed.Package($"{EstimatorPackage.PointerPackageId}.{rid}");
        long size = new FileInfo(package).Length;
        TestContext.Out.WriteLine($"{Path.GetFileName(package)}: {size / 1e6:0.0} MB");
        Assert.That(size, Is.LessThan(NuGetOrgLimit));

        using var zip = ZipFile.OpenRead(package);
        string[] unused = ["libtorch_python", "libtorchbind_test", "libjitbackend_test", "libbackend_with_compiler", "libaoti_custom_ops", "libnnapi_backend"];
        Assert.That(zip.Entries.Select(e => e.Name).Where(n => unused.Contains(Path.GetFileNameWithoutExtension(n))), Is.Empty);
        // Native debug symbols and import libraries of the packages (SkiaSharp's .pdb alone is 93 MB on Windows).
        Assert.That(zip.Entries.Select(e => e.Name).Where(n => n.EndsWith(".lib") || n == "libSkiaSharp.pdb"), Is.Empty);
    }

    [Test]
    public void ThePointerPackageIsSmallAndNamesEveryPlatformsPackage()
    {
        string package = PackedFeed.Package(EstimatorPackage.PointerPackageId);
        Assert.That(new FileInfo(package).Length, Is.LessThan(10_000));
        using var zip = ZipFile.OpenRead(package);
        using var settings = zip.Entries.Single(e => e.Name == "DotnetToolSettings.xml").Open();
        var packages = XDocument.Load(settings).Descendants("RuntimeIdentifierPackage")
            .ToDictionary(p => p.Attribute("RuntimeIdentifier")!.Value, p => p.Attribute("Id")!.Value);
        Assert.That(packages, Is.EqualTo(Platforms.ToDictionary(rid => rid, rid => new EstimatorPackage(rid, PackedFeed.Version).Id)));
        Assert.That(zip.Entries.Where(e => e.FullName.StartsWith("tools/") && e.Name != "DotnetToolSettings.xml"), Is.Empty, "no implementation");
    }

    [Test]
    public void TheMSBuildPackageIsSmallAndCarriesNoEstimator()
    {
        string package = PackedFeed.Package("SmoothInfo.Build");
        long size = new FileInfo(package).Length;
        TestContext.Out.WriteLine($"{Path.GetFileName(package)}: {size / 1e3:0} KB");
        Assert.That(size, Is.LessThan(1_000_000));
        using var zip = ZipFile.OpenRead(package);
        Assert.That(zip.Entries.Where(e => e.FullName.StartsWith("tools/")), Is.Empty);
        Assert.That(zip.Entries.Where(e => ReadHeader(e) is not null), Is.Empty, "no native file of any platform");
    }

    private static NativeBinary? ReadHeader(ZipArchiveEntry entry)
    {
        if (entry.Length < 64) return null;
        using var stream = entry.Open();
        var head = new byte[Math.Min(entry.Length, NativeBinary.HeaderBytes)];
        stream.ReadExactly(head);
        return NativeBinary.Read(head);
    }
}
