using System.Globalization;

namespace SmoothInfo.Tests.Fuzz;

/// <summary>
/// Every reader fuzzed with seeded mutations of valid files (docs/robustness.md). The short mode (the default, in CI)
/// tries <see cref="ShortModeInputs"/> inputs per format; the long mode sets SMOOTHINFO_FUZZ_INPUTS (10000 for the
/// documented figures) and may set SMOOTHINFO_FUZZ_FIRST, the number of the first input, so one long run can be split
/// over processes (input i is the same bytes whichever process tries it). Failing inputs are saved under the test's
/// work folder, fuzz-failures/.
/// </summary>
[Category("Fuzz")]
public sealed class ReaderFuzzTests
{
    private const int ShortModeInputs = 300;
    private string _workspace = "";

    private static IEnumerable<string> Targets() => FuzzTargets.All().Select(t => t.Name);

    private static int Inputs(FuzzTarget target) => Setting("SMOOTHINFO_FUZZ_INPUTS") ?? target.ShortModeInputs ?? ShortModeInputs;

    private static int FirstInput() => Setting("SMOOTHINFO_FUZZ_FIRST") ?? 0;

    private static int? Setting(string variable) => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } text
        ? int.Parse(text, CultureInfo.InvariantCulture) : null;

    [SetUp]
    public void SetUp() => _workspace = Directory.CreateTempSubdirectory("fuzz-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_workspace, recursive: true);

    [TestCaseSource(nameof(Targets))]
    public void EveryMutatedInputReadsOrIsAnInputError(string format)
    {
        var target = FuzzTargets.All().Single(t => t.Name == format);
        var started = DateTime.UtcNow;
        int first = FirstInput(), inputs = Inputs(target);
        var summary = FuzzRunner.Run(target, first, inputs, _workspace, Path.Combine(TestContext.CurrentContext.WorkDirectory, "fuzz-failures"));
        TestContext.Out.WriteLine($"{summary} (inputs {first}-{first + inputs - 1}) in {(DateTime.UtcNow - started).TotalSeconds:F1} s");
        Assert.That(summary.Failures, Is.Empty, string.Join("\n", summary.Failures.Take(20)));
        Assert.That(summary.Read, Is.LessThan(summary.Inputs), "every mutated input was read: the mutations do not reach the reader");
    }
}
