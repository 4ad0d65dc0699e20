using System.Diagnostics;
using SmoothInfo.Cli;
using SmoothInfo.Gate;
using SmoothInfo.Tests.Cli;

namespace SmoothInfo.Tests.Faults;

/// <summary>
/// `smoothinfo check` when its writes fail: a read-only report folder, a full disk during the cache or a report write,
/// the process killed at each write. The previous files stay intact, and the next run recovers (docs/robustness.md).
/// </summary>
public sealed class WriteFaultTests
{
    private static readonly string[] Outputs = { EstimatorCache.FileName, "smoothinfo-report.json", "smoothinfo.sarif", "smoothinfo-report.html", "smoothinfo-summary.md" };
    private string _dir = "";

    private string Out => Path.Combine(_dir, "out");

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("faults-").FullName;
        PlantedCsv.Write(Path.Combine(_dir, "train.csv"));
        File.WriteAllText(Path.Combine(_dir, "smoothinfo.yml"), """
            version: 1
            dataset: { format: csv, path: train.csv, labelColumn: label, preprocessing: { features: standardize } }
            model: { probe: { kind: mlp, widths: [32], activation: relu } }
            training: { learningRate: 0.1, steps: inf, weightDecay: 0.001 }
            estimator: { seed: 3 }
            reports: { directory: out, formats: [json, sarif, html, markdown] }
            """);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private (int Code, string Error) Check()
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        int code = SmoothInfoApp.Run(new[] { "check", "--policy", Path.Combine(_dir, "smoothinfo.yml"), "--no-progress" }, stdout, stderr);
        return (code, stderr.ToString());
    }

    private Dictionary<string, byte[]> Snapshot() => Outputs.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(Out, f)));

    /// <summary>A first run with the labels fixed, then the planted flips: the second run must write different files.</summary>
    private Dictionary<string, byte[]> FirstRunThenChangeTheData()
    {
        PlantedCsv.Write(Path.Combine(_dir, "train.csv"), flip: false);
        Assert.That(Check().Code, Is.EqualTo(ExitCodes.Success));
        PlantedCsv.Write(Path.Combine(_dir, "train.csv"), flip: true);
        return Snapshot();
    }

    private void AssertUnchanged(Dictionary<string, byte[]> before)
    {
        foreach (var (file, bytes) in before) Assert.That(File.ReadAllBytes(Path.Combine(Out, file)), Is.EqualTo(bytes), file);
        Assert.That(Directory.GetFiles(Out, "*.tmp"), Is.Empty, "no temporary file is left behind");
    }

    private void AssertRecovers(Dictionary<string, byte[]> before)
    {
        var (code, error) = Check();
        Assert.That(code, Is.EqualTo(ExitCodes.GateFailed), error);
        Assert.That(File.ReadAllBytes(Path.Combine(Out, "smoothinfo-report.json")), Is.Not.EqualTo(before["smoothinfo-report.json"]));
    }

    [Test]
    public void AReadOnlyReportFolderIsAnErrorNamingTheFileAndTheNextRunRecovers()
    {
        using var tmpfs = Tmpfs.MountOrIgnore(Out, "8m");
        var before = FirstRunThenChangeTheData();
        tmpfs.ReadOnly(true);
        var (code, error) = Check();
        Assert.That(code, Is.EqualTo(ExitCodes.UsageOrInputError), error);
        Assert.That(error, Does.StartWith($"{Path.Combine(Out, EstimatorCache.FileName)}: error SI2601:").And.Contain("Fix:"));
        tmpfs.ReadOnly(false);
        AssertUnchanged(before);
        AssertRecovers(before);
    }

    /// <summary>The disk filled so that the cache (written first) or the largest report no longer fits.</summary>
    [TestCase(true)]
    [TestCase(false)]
    public void AFullDiskIsAnErrorNamingTheFileAndTheNextRunRecovers(bool duringTheCache)
    {
        using var tmpfs = Tmpfs.MountOrIgnore(Out, "8m");
        var before = FirstRunThenChangeTheData();
        long Pages(string file) => (before[file].Length + 4095) / 4096 * 4096;
        string failing = duringTheCache ? EstimatorCache.FileName : Outputs.Skip(1).MaxBy(Pages)!;
        long othersFit = Outputs.Where(f => f != failing).Max(Pages);
        Assume.That(duringTheCache || Pages(failing) > othersFit, "the largest report is larger than the other files by a page");
        string filler = tmpfs.FillLeaving(duringTheCache ? Pages(failing) - 4096 : othersFit);
        var (code, error) = Check();
        File.Delete(filler);
        Assert.That(code, Is.EqualTo(ExitCodes.UsageOrInputError), error);
        Assert.That(error, Does.StartWith($"{Path.Combine(Out, failing)}: error SI2601:"));
        // Files written before the failing one hold the new run's output, in full; the failing one and those after it the previous run's.
        AssertUnchanged(before.Where(f => Array.IndexOf(Outputs, f.Key) >= Array.IndexOf(Outputs, failing)).ToDictionary());
        AssertRecovers(before);
    }

    /// <summary>
    /// The CLI in a child process under strace, which kills it (SIGKILL) when it enters its n-th rename: every output
    /// is then written in full to its temporary file but not yet in place, the last moment a kill can hurt.
    /// </summary>
    [Test]
    public void AProcessKilledAtEachWriteLeavesThePreviousFilesAndTheNextRunRecovers()
    {
        if (!File.Exists("/usr/bin/strace")) Assert.Ignore("needs strace (apt-get install strace) to kill the process at a chosen write");
        var before = FirstRunThenChangeTheData();
        for (int write = 1; write <= Outputs.Length; write++)
        {
            // Every kill starts from the first run's files, so the cache is stale and written first each time.
            foreach (var (file, bytes) in before) File.WriteAllBytes(Path.Combine(Out, file), bytes);
            var start = new ProcessStartInfo("/usr/bin/strace") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string a in new[] { "-f", "-qq", "-o", "/dev/null", "-e", "trace=rename,renameat,renameat2",
                         "-e", $"inject=rename,renameat,renameat2:signal=KILL:when={write}",
                         "dotnet", Path.Combine(TestContext.CurrentContext.TestDirectory, "smoothinfo.dll"),
                         "check", "--policy", Path.Combine(_dir, "smoothinfo.yml"), "--no-progress" })
                start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.That(process.ExitCode, Is.EqualTo(128 + 9), $"killed at write {write}");
            Assert.That(Directory.GetFiles(Out, $".{Outputs[write - 1]}.*.tmp"), Is.Not.Empty, $"write {write} was {Outputs[write - 1]}");
            foreach (var (file, bytes) in before.Where(f => Array.IndexOf(Outputs, f.Key) >= write - 1)) // the ones before it are complete new files
                Assert.That(File.ReadAllBytes(Path.Combine(Out, file)), Is.EqualTo(bytes), $"{file} after a kill at write {write}");
        }
        AssertRecovers(before);
        Assert.That(Directory.GetFiles(Out, "*.tmp"), Is.Empty, "the next run removes what killed runs left");
    }
}
