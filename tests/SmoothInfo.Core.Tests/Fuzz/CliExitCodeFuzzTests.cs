using System.Diagnostics;
using System.Text;
using SmoothInfo.Cli;
using SmoothInfo.Tests.Cli;

namespace SmoothInfo.Tests.Fuzz;

/// <summary>
/// The exit-code contract end to end: `smoothinfo check` as a child process on a few mutated policies and data files
/// exits 0, 1 or 2 only, and an exit 2 prints an SI2xxx error naming the mutated file.
/// </summary>
[Category("Fuzz")]
public sealed class CliExitCodeFuzzTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("cli-fuzz-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private const string Policy = """
        version: 1
        dataset: { format: csv, path: train.csv, labelColumn: label }
        model: { probe: { kind: mlp, widths: [16], activation: relu } }
        training: { learningRate: 0.1, steps: inf, weightDecay: 0.001 }
        reports: { directory: out, formats: [json] }
        """;

    [TestCase("smoothinfo.yml", 0)]
    [TestCase("smoothinfo.yml", 1)]
    [TestCase("smoothinfo.yml", 2)]
    [TestCase("train.csv", 0)]
    [TestCase("train.csv", 1)]
    [TestCase("train.csv", 2)]
    public void ExitsZeroOneOrTwoAndNamesTheFile(string mutated, int input)
    {
        PlantedCsv.Write(Path.Combine(_dir, "train.csv"));
        File.WriteAllText(Path.Combine(_dir, "smoothinfo.yml"), Policy);
        string path = Path.Combine(_dir, mutated);
        var log = new StringBuilder();
        File.WriteAllBytes(path, Mutator.Mutate(File.ReadAllBytes(path), new Random(input), log));

        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[] { Path.Combine(TestContext.CurrentContext.TestDirectory, "smoothinfo.dll"), "check", "--policy",
                     Path.Combine(_dir, "smoothinfo.yml"), "--no-progress" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        Assert.That(process.WaitForExit(120_000), Is.True, "no answer within 120 s");
        string said = $"{log}\n{stderr}{stdout.Result}";
        Assert.That(process.ExitCode, Is.AnyOf(ExitCodes.Success, ExitCodes.GateFailed, ExitCodes.UsageOrInputError), said);
        if (process.ExitCode == ExitCodes.UsageOrInputError)
            Assert.That(stderr, Does.StartWith(path).And.Contain(": error SI2"), said);
    }
}
