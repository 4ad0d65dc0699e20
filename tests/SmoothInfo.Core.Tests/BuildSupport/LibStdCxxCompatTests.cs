using System.Reflection;
using SmoothInfo.BuildSupport;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.BuildSupport;

/// <summary>The build step that lets TorchSharp's native library load on Debian 12 (build/LibStdCxxCompat).</summary>
public sealed class LibStdCxxCompatTests
{
    private const string Version = "GLIBCXX_3.4.32";
    private static readonly string[] Allowed = { "_ZSt21ios_base_library_initv" };

    private static string PackagedLibrary()
    {
        string root = typeof(LibStdCxxCompatTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "NuGetPackageRoot").Value!;
        return Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    private static string CopyToTemp(string source)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("elf-").FullName, Path.GetFileName(source));
        File.Copy(source, path);
        return path;
    }

    [Test]
    public void ThePackagedLibraryNeedsTheVersionOnlyForTheUnusedSymbol()
    {
        byte[] elf = File.ReadAllBytes(PackagedLibrary());
        var need = ElfVersionNeeds.ReadVersionNeeds(elf).Single(n => n.Name == Version);
        Assert.That(need.File, Is.EqualTo("libstdc++.so.6"));
        Assert.That(need.IsWeak, Is.False, "the NuGet cache copy must never be edited");
        Assert.That(ElfVersionNeeds.SymbolsBoundTo(elf, need.Index), Is.EqualTo(Allowed));
    }

    [Test]
    public void WeakeningChangesOnlyThatFlagAndIsIdempotent()
    {
        string copy = CopyToTemp(PackagedLibrary());
        byte[] before = File.ReadAllBytes(copy);

        Assert.That(ElfVersionNeeds.MakeWeak(copy, Version, Allowed), Is.EqualTo(WeakenOutcome.Weakened));
        byte[] after = File.ReadAllBytes(copy);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        Assert.That(changed, Has.Count.EqualTo(1), "exactly one byte (the vna_flags of that entry) changes");
        var needs = ElfVersionNeeds.ReadVersionNeeds(after);
        Assert.That(needs.Single(n => n.Name == Version).IsWeak, Is.True);
        Assert.That(needs.Where(n => n.Name != Version).All(n => !n.IsWeak), Is.True);

        Assert.That(ElfVersionNeeds.MakeWeak(copy, Version, Allowed), Is.EqualTo(WeakenOutcome.AlreadyWeak));
        Assert.That(File.ReadAllBytes(copy), Is.EqualTo(after));
    }

    [Test]
    public void RefusesWhenAnotherSymbolNeedsTheVersion()
    {
        string copy = CopyToTemp(PackagedLibrary());
        var e = Assert.Throws<ElfFormatException>(() => ElfVersionNeeds.MakeWeak(copy, Version, Array.Empty<string>()))!;
        Assert.That(e.Message, Does.Contain("_ZSt21ios_base_library_initv"));
        Assert.That(File.ReadAllBytes(copy), Is.EqualTo(File.ReadAllBytes(PackagedLibrary())));
    }

    [Test]
    public void AVersionTheLibraryDoesNotNeedIsLeftAlone()
    {
        string copy = CopyToTemp(PackagedLibrary());
        Assert.That(ElfVersionNeeds.MakeWeak(copy, "GLIBCXX_9.9.9", Allowed), Is.EqualTo(WeakenOutcome.NotRequired));
    }

    [Test]
    public void AppliedOnlyWhereTheSystemLibraryLacksTheVersion()
    {
        Assert.That(SmoothInfoLibStdCxxCompat.NeedsWeakening(new HashSet<string> { "GLIBCXX_3.4.30" }, Version), Is.True);
        Assert.That(SmoothInfoLibStdCxxCompat.NeedsWeakening(new HashSet<string> { "GLIBCXX_3.4.30", Version }, Version), Is.False);
    }

    [Test]
    public void ReadsVersionDefinitionsOfTheSystemLibStdCxx()
    {
        string? system = new[] { "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }
            .FirstOrDefault(File.Exists);
        Assume.That(system, Is.Not.Null, "no system libstdc++ at the usual Linux paths");
        var defined = ElfVersionNeeds.ReadVersionDefinitions(File.ReadAllBytes(system!));
        Assert.That(defined, Does.Contain("GLIBCXX_3.4"));
        Assert.That(defined, Does.Contain("CXXABI_1.3"));
    }

    [Test]
    public void TorchSharpLoadsAndComputesInFloat64()
    {
        // Runs in this test project's own output, which the build step made loadable.
        using var a = tensor(new double[] { 4, 2, 2, 3 }, new long[] { 2, 2 });
        using var l = linalg.cholesky(a);
        Assert.That(l.matmul(l.T).allclose(a, rtol: 0, atol: 1e-15), Is.True);
        Assert.That(l.dtype, Is.EqualTo(ScalarType.Float64));
    }

    [Test]
    public void NeitherTheNuGetCacheNorAnotherOutputIsTouchedByTheBuild()
    {
        string output = Path.GetDirectoryName(typeof(LibStdCxxCompatTests).Assembly.Location)!;
        string built = Path.Combine(output, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assume.That(File.Exists(built), "only on Linux x64 outputs");
        bool systemHasIt = ElfVersionNeeds.ReadVersionDefinitions(File.ReadAllBytes(
            new[] { "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }.First(File.Exists))).Contains(Version);
        var builtNeed = ElfVersionNeeds.ReadVersionNeeds(File.ReadAllBytes(built)).Single(n => n.Name == Version);
        Assert.That(builtNeed.IsWeak, Is.EqualTo(!systemHasIt), "weak exactly when the system libstdc++ lacks the version");
        var cacheNeed = ElfVersionNeeds.ReadVersionNeeds(File.ReadAllBytes(PackagedLibrary())).Single(n => n.Name == Version);
        Assert.That(cacheNeed.IsWeak, Is.False);
    }
}
