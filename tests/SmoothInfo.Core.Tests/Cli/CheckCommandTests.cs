using System.Globalization;
using System.Text;
using System.Text.Json;
using SmoothInfo.Cli;
using SmoothInfo.Results;

namespace SmoothInfo.Tests.Cli;

/// <summary>
/// `smoothinfo check`, `baseline` and `report` end to end on a small CSV dataset with planted label flips, including
/// the estimator cache `check` keeps beside the reports.
/// </summary>
public sealed class CheckCommandTests
{
    private static readonly int[] Flipped = PlantedCsv.Flipped;
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("check-").FullName;
        WriteData(flip: true);
        WritePolicy(baseline: false);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private void WriteData(bool flip) => PlantedCsv.Write(Path.Combine(_dir, "train.csv"), flip);

    private void WritePolicy(bool baseline, int overallBudget = 0, string kernel = "{}") => File.WriteAllText(Path.Combine(_dir, "smoothinfo.yml"), $"""
        version: 1
        dataset:
          format: csv
          path: train.csv
          labelColumn: label
          preprocessing: {"{"} features: standardize {"}"}
        model:
          probe: {"{"} kind: mlp, widths: [32], activation: relu {"}"}
        training:
          learningRate: 0.1
          steps: inf
          weightDecay: 0.001
        estimator:
          seed: 3
          kernel: {kernel}
        rules:
          atypical: {"{"} enabled: false {"}"}
          budgets: {"{"} overall: {"{"} maxCount: {overallBudget} {"}"} {"}"}
        {(baseline ? "baseline: accepted.json" : "")}
        reports:
          directory: out
          formats: [json, sarif, html, markdown]
        """);

    private (int Code, string Out, string Error) Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        // `report` runs no estimator, so it has no progress to silence.
        var common = args[0] == "report" ? new[] { "--policy", Path.Combine(_dir, "smoothinfo.yml") } : new[] { "--policy", Path.Combine(_dir, "smoothinfo.yml"), "--no-progress" };
        int code = SmoothInfoApp.Run(args.Concat(common).ToArray(), stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static int Line(int sample) => sample + 2; // header on line 1

    [Test]
    public void FlagsExactlyThePlantedSamplesAtTheirLinesAndFails()
    {
        var (code, output, error) = Run("check");
        Assert.That(code, Is.EqualTo(ExitCodes.GateFailed), error + output);
        var findings = output.Split('\n').Where(l => l.Contains(": error SI100", StringComparison.Ordinal)).ToList();
        string csv = Path.Combine(_dir, "train.csv");
        Assert.That(findings.Select(l => l[..l.IndexOf(": ", StringComparison.Ordinal)]).Order(),
            Is.EqualTo(Flipped.Select(i => $"{csv}({Line(i)},1)").Order()));
        Assert.That(findings, Has.All.Contain("error SI1001:").And.Contain("likely mislabeled"));
        Assert.That(output, Does.Contain("error SI1100"));
        foreach (var report in new[] { "smoothinfo-report.json", "smoothinfo.sarif", "smoothinfo-report.html", "smoothinfo-summary.md" })
            Assert.That(File.Exists(Path.Combine(_dir, "out", report)), Is.True, report);
    }

    [Test]
    public void RowsRepeatedUnderAnotherLabelAreConflictingDuplicatesInEveryReport()
    {
        // Sample 0 (cat) again as dog; sample 4 (dog) again as eel, its first feature 0.0002 off (a near copy).
        string csv = Path.Combine(_dir, "train.csv");
        WriteData(flip: false);
        var rows = File.ReadAllLines(csv);
        static string Relabel(string row, string label) => row[..row.LastIndexOf(',')] + "," + label;
        var near = rows[5].Split(',');
        near[0] = (double.Parse(near[0], CultureInfo.InvariantCulture) + 0.0002).ToString("F4", CultureInfo.InvariantCulture);
        File.AppendAllLines(csv, new[] { Relabel(rows[1], "dog"), Relabel(string.Join(",", near), "eel") });
        int[] expected = { 0, 4, 60, 61 };

        var (code, output, error) = Run("check");

        Assert.That(code, Is.EqualTo(ExitCodes.GateFailed), error + output);
        var findings = output.Split('\n').Where(l => l.Contains(": error SI10", StringComparison.Ordinal)).ToList();
        Assert.That(findings.Select(l => l[..l.IndexOf(": ", StringComparison.Ordinal)]), Is.EquivalentTo(expected.Select(i => $"{csv}({Line(i)},1)")));
        Assert.That(findings, Has.All.Contain("error SI1005:").And.All.Contain("one input, conflicting labels"));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "out", "smoothinfo-report.json")));
        var samples = json.RootElement.GetProperty("samples").EnumerateArray().ToList();
        Assert.That(samples.Where(s => s.TryGetProperty("code", out var c) && c.GetString() == "SI1005").Select(s => s.GetProperty("index").GetInt32()), Is.EqualTo(expected));
        Assert.That((samples[60].GetProperty("duplicateGroup").GetInt32(), samples[61].GetProperty("duplicateGroup").GetInt32()), Is.EqualTo((0, 4)));
        using var sarif = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "out", "smoothinfo.sarif")));
        Assert.That(sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().Select(r => r.GetProperty("ruleId").GetString()),
            Is.EqualTo(Enumerable.Repeat("SI1005", 4)));
        Assert.That(File.ReadAllText(Path.Combine(_dir, "out", "smoothinfo-summary.md")), Does.Contain("Findings: 4 conflicting-duplicates."));
        Assert.That(File.ReadAllText(Path.Combine(_dir, "out", "smoothinfo-report.html")), Does.Contain(">conflicting-duplicates</span>"));

        // The switch turns the kind off, re-judged from the saved report (the score rules judge the copies again).
        string policy = Path.Combine(_dir, "smoothinfo.yml");
        File.WriteAllText(policy, File.ReadAllText(policy).Replace("rules:\n", "rules:\n  conflictingDuplicates: { enabled: false }\n"));
        (code, output, error) = Run("report");
        Assert.That(code, Is.AnyOf(ExitCodes.Success, ExitCodes.GateFailed), error);
        Assert.That(output + error, Does.Not.Contain("SI1005"));
    }

    [Test]
    public void ARowNoOtherExplainsIsCorruptedUnderTheGaussianProbeAndTheSwitchTurnsItOff()
    {
        // No flips; sample 9's first feature x100, a unit error: the gaussian probe predicts the prior there.
        string csv = Path.Combine(_dir, "train.csv");
        WriteData(flip: false);
        var rows = File.ReadAllLines(csv);
        var scaled = rows[Line(9) - 1].Split(',');
        scaled[0] = (100 * double.Parse(scaled[0], CultureInfo.InvariantCulture)).ToString("F2", CultureInfo.InvariantCulture);
        rows[Line(9) - 1] = string.Join(",", scaled);
        File.WriteAllLines(csv, rows);
        string policy = Path.Combine(_dir, "smoothinfo.yml");
        File.WriteAllText(policy, File.ReadAllText(policy).Replace("probe: { kind: mlp, widths: [32], activation: relu }", "probe: { kind: gaussian }")
            .Replace("weightDecay: 0.001", "weightDecay: auto"));

        var (code, output, error) = Run("check");

        Assert.That(code, Is.EqualTo(ExitCodes.GateFailed), error + output);
        var findings = output.Split('\n').Where(l => l.Contains(": error SI10", StringComparison.Ordinal)).ToList();
        Assert.That(findings, Has.Count.EqualTo(1), output);
        Assert.That(findings[0], Does.StartWith($"{csv}({Line(9)},1): error SI1002:").And.Contain("no other sample lies near its input"));
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "out", "smoothinfo-report.json"))))
        {
            var isolation = json.RootElement.GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("isolation").GetDouble()).ToList();
            Assert.That(isolation[9], Is.GreaterThan(0.98));
            Assert.That(isolation.Where((_, i) => i != 9), Is.All.InRange(0.0, 0.98));
        }

        File.WriteAllText(policy, File.ReadAllText(policy).Replace("rules:\n", "rules:\n  isolatedInputs: { enabled: false }\n"));
        (code, output, error) = Run("report");
        Assert.That(code, Is.AnyOf(ExitCodes.Success, ExitCodes.GateFailed), error);
        Assert.That(output, Does.Not.Contain("no other sample lies near its input"));
    }

    [Test]
    public void AProjectedJacobianStillFindsThePlantedSamplesAndSaysSo()
    {
        // d = 3*32 + 32 + 32*3 + 3 = 227 parameters projected to 160 sparse-sign columns.
        WritePolicy(baseline: false, kernel: "{ projection: { kind: sparse-sign, dimension: 160 } }");
        var (code, output, error) = Run("check");
        Assert.That(code, Is.EqualTo(ExitCodes.GateFailed), error + output);
        string csv = Path.Combine(_dir, "train.csv");
        var flagged = output.Split('\n').Where(l => l.Contains(": error SI100", StringComparison.Ordinal)).Select(l => l[..l.IndexOf(": ", StringComparison.Ordinal)]);
        Assert.That(flagged.Order(), Is.EqualTo(Flipped.Select(i => $"{csv}({Line(i)},1)").Order()));
        Assert.That(File.ReadAllText(Path.Combine(_dir, "out", "smoothinfo-report.json")), Does.Contain("d = 227 projected to 160"));
    }

    [Test]
    public void SameInputsGiveTheSameReportEveryRun()
    {
        Run("check");
        string first = File.ReadAllText(Path.Combine(_dir, "out", "smoothinfo-report.json"));
        Run("check");
        Assert.That(File.ReadAllText(Path.Combine(_dir, "out", "smoothinfo-report.json")), Is.EqualTo(first));
    }

    [Test]
    public void AcceptingTheFindingsPassesAndFixingThemLeavesStaleEntries()
    {
        WritePolicy(baseline: true);
        var (baselineCode, baselineOut, baselineError) = Run("baseline");
        Assert.That(baselineCode, Is.EqualTo(ExitCodes.Success), baselineError);
        Assert.That(baselineOut, Does.Contain("accepted 2 findings"));

        var (accepted, acceptedOut, _) = Run("check");
        Assert.That(accepted, Is.EqualTo(ExitCodes.Success), acceptedOut);
        Assert.That(acceptedOut, Does.Contain("info SI1001:").And.Contain("(accepted in the baseline)"));

        WriteData(flip: false); // labels corrected: the same rows now pass, the baseline entries are stale
        var (fixedCode, fixedOut, _) = Run("check");
        Assert.That(fixedCode, Is.EqualTo(ExitCodes.Success), fixedOut);
        Assert.That(fixedOut.Split('\n').Count(l => l.Contains("warning SI1101:", StringComparison.Ordinal)), Is.EqualTo(2));
    }

    [Test]
    public void BaselineWithoutABaselineKeyOrOutFailsBeforeReadingAnyData()
    {
        // A data file the reader would refuse: had the estimator run first, that error would come instead.
        File.WriteAllText(Path.Combine(_dir, "train.csv"), "f1,f2,f3,label\n1,2\n");
        var (code, output, error) = Run("baseline");
        Assert.That(code, Is.EqualTo(ExitCodes.UsageOrInputError), output);
        string policy = Path.Combine(_dir, "smoothinfo.yml");
        Assert.That(error, Does.StartWith($"{policy}(1,1): error SI2015: the policy names no baseline file and --out is not given"));
        Assert.That(error, Does.Contain("Fix: add 'baseline: smoothinfo-baseline.json'").And.Contain("or pass --out"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "out")), Is.False, "nothing was estimated or written");
    }

    [Test]
    public void ADamagedBaselineFailsCheckBeforeReadingAnyDataAndBaselineRegeneratesIt()
    {
        WritePolicy(baseline: true);
        File.WriteAllText(Path.Combine(_dir, "accepted.json"), "{ \"schemaVersion\": 1, \"accepted\": [ {} ] }");
        string csv = Path.Combine(_dir, "train.csv"), good = File.ReadAllText(csv);
        File.WriteAllText(csv, "f1,f2,f3,label\n1,2\n"); // refused by the reader: had the estimator run first, that error would come instead
        var (code, output, error) = Run("check");
        Assert.That(code, Is.EqualTo(ExitCodes.UsageOrInputError), output);
        Assert.That(error, Does.StartWith($"{Path.Combine(_dir, "accepted.json")}").And.Contain("error SI2401"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "out")), Is.False, "nothing was estimated or written");

        File.WriteAllText(csv, good);
        var (baselineCode, baselineOut, baselineError) = Run("baseline");
        Assert.That(baselineCode, Is.EqualTo(ExitCodes.Success), baselineError);
        Assert.That(baselineOut, Does.Contain("accepted 2 findings"));
        Assert.That(Run("check").Code, Is.EqualTo(ExitCodes.Success), "the regenerated baseline accepts both findings");
    }

    [Test]
    public void ABadPolicyIsAnInputErrorWithItsLine()
    {
        File.AppendAllText(Path.Combine(_dir, "smoothinfo.yml"), "\ntrainnig: {}\n");
        var (code, _, error) = Run("check");
        Assert.That(code, Is.EqualTo(ExitCodes.UsageOrInputError));
        Assert.That(error, Does.Contain("smoothinfo.yml(").And.Contain("error SI2012").And.Contain("training"));
        Assert.That(File.Exists(Path.Combine(_dir, "out", "smoothinfo-report.json")), Is.False, "nothing written for a bad policy");
    }

    [Test]
    public void ADivergentLearningRateNamesThePolicyKeyAtItsLineNotTheKernelCommandsFlags()
    {
        string policy = Path.Combine(_dir, "smoothinfo.yml");
        File.WriteAllText(policy, File.ReadAllText(policy).Replace("learningRate: 0.1", "learningRate: 10\n  dynamics: discrete"));
        var (code, _, error) = Run("check");
        Assert.That(code, Is.EqualTo(ExitCodes.UsageOrInputError), error);
        Assert.That(error, Does.StartWith($"{policy}(10,17): error SI2206: discrete gradient descent diverges"));
        Assert.That(error, Does.Contain("Fix: lower 'training.learningRate' below").And.Contain("'training.dynamics: continuous'"));
        Assert.That(error, Does.Not.Contain("--learning-rate").And.Not.Contain("--continuous"));
    }

    [Test]
    public void ADivergentLearningRateIsRefusedOnTheWeightSpaceHeadRouteToo()
    {
        // Only the last layer linearized: 33 head inputs < 60 samples, so the weight-space head route runs.
        string policy = Path.Combine(_dir, "smoothinfo.yml");
        File.WriteAllText(policy, File.ReadAllText(policy)
            .Replace("learningRate: 0.1", "learningRate: 10\n  dynamics: discrete")
            .Replace("activation: relu }", "activation: relu }\n  linearize: 1"));
        Assert.That(File.ReadAllText(policy), Does.Contain("linearize: 1"));
        var (code, _, error) = Run("check");
        Assert.That(code, Is.EqualTo(ExitCodes.UsageOrInputError), error);
        Assert.That(error, Does.StartWith($"{policy}(11,17): error SI2206: discrete gradient descent diverges"));
        Assert.That(error, Does.Contain("Fix: lower 'training.learningRate' below"));
    }

    [Test]
    public void ASingularKernelWithoutWeightDecayNamesThePolicyKeysAtTheirLine()
    {
        // A 4-wide probe has 31 parameters, so the 180 x 180 kernel of 60 samples and 3 classes has rank 31 at most.
        string policy = Path.Combine(_dir, "smoothinfo.yml");
        File.WriteAllText(policy, File.ReadAllText(policy).Replace("widths: [32]", "widths: [4]").Replace("weightDecay: 0.001", "weightDecay: 0"));
        var (code, _, error) = Run("check");
        Assert.That(code, Is.EqualTo(ExitCodes.UsageOrInputError), error);
        Assert.That(error, Does.StartWith($"{policy}(12,16): error SI22"));
        Assert.That(error, Does.Contain("'training.weightDecay: 1e-3'").And.Not.Contain("--weight-decay").And.Not.Contain("--steps"));
    }

    [Test]
    public void ACudaDeviceThisMachineLacksIsAPolicyErrorAtTheKey()
    {
        Assume.That(TorchSharp.torch.cuda.is_available(), Is.False, "this machine has CUDA");
        string policy = Path.Combine(_dir, "smoothinfo.yml");
        File.WriteAllText(policy, File.ReadAllText(policy).Replace("seed: 3", "seed: 3\n  device: cuda"));
        var (code, _, error) = Run("check");
        Assert.That(code, Is.EqualTo(ExitCodes.UsageOrInputError), error);
        Assert.That(error, Does.StartWith($"{policy}(15,11): error SI2001: 'estimator.device' is cuda"));
        Assert.That(error, Does.Contain("Fix: set 'estimator.device: auto'"));
        Assert.That(Run("check", "--device", "cpu").Code, Is.EqualTo(ExitCodes.GateFailed), "--device overrides the policy's device");
    }

    private sealed class KernelBlocks : IProgress<SmoothInfo.Kernels.KernelProgress>
    {
        public long Total { get; private set; }
        public void Report(SmoothInfo.Kernels.KernelProgress value) => Total = value.Total;
    }

    [TestCase("{}", 1)]
    [TestCase("{ blockSize: 10 }", 21)]
    public void ThePolicysBlockSizeCutsTheKernelIntoBlocks(string kernel, long blockPairs)
    {
        WritePolicy(baseline: false, kernel: kernel);
        var policy = SmoothInfo.Policy.Loading.PolicyLoader.Load(Path.Combine(_dir, "smoothinfo.yml"));
        var blocks = new KernelBlocks();
        SmoothInfo.Gate.GatePipeline.Run(policy, new SmoothInfo.Gate.GateRunOptions(KernelProgress: blocks));
        // 60 samples: one block under the default 1024; six blocks of 10, whose 21 pairs on and below the diagonal are computed.
        Assert.That(blocks.Total, Is.EqualTo(blockPairs));
    }

    private static readonly string[] ReportFiles = { "smoothinfo-report.json", "smoothinfo.sarif", "smoothinfo-report.html", "smoothinfo-summary.md" };

    private Dictionary<string, byte[]> ReadReports() => ReportFiles.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(_dir, "out", f)));

    private const string Reused = "estimator output reused from";

    [Test]
    public void ASecondRunReusesTheEstimatorOutputAndWritesByteIdenticalReports()
    {
        var (firstCode, firstOut, firstError) = Run("check");
        Assert.That(firstOut, Does.Not.Contain(Reused), firstError);
        var first = ReadReports();

        var (secondCode, secondOut, _) = Run("check");
        Assert.That(secondOut, Does.Contain(Reused).And.Contain(Path.Combine(_dir, "out", "smoothinfo-cache.json")));
        Assert.That(secondCode, Is.EqualTo(firstCode));
        Assert.That(ReadReports(), Is.EqualTo(first));
        Assert.That(secondOut.Split('\n').Where(l => !l.Contains(Reused, StringComparison.Ordinal)), Is.EqualTo(firstOut.Split('\n')));
    }

    [Test]
    public void OneChangedDataByteOrNoCacheRunsTheEstimatorAgain()
    {
        Run("check");
        Assert.That(Run("check", "--no-cache").Out, Does.Not.Contain(Reused));

        string csv = Path.Combine(_dir, "train.csv");
        string[] lines = File.ReadAllLines(csv);
        lines[10] = lines[10][..^5] + (lines[10][^5] == '1' ? '2' : '1') + lines[10][^4..]; // one digit of the last feature
        File.WriteAllLines(csv, lines);
        var (code, output, error) = Run("check");
        Assert.That(output, Does.Not.Contain(Reused), error);
        Assert.That(code, Is.EqualTo(ExitCodes.GateFailed), error);
        Assert.That(Run("check").Out, Does.Contain(Reused), "the new output is cached in turn");
    }

    [Test]
    public void ChangingOnlyTheRulesKeepsTheCachedEstimatorOutput()
    {
        Run("check");
        WritePolicy(baseline: false, overallBudget: 5);
        var (code, output, error) = Run("check");
        Assert.That(output, Does.Contain(Reused), error);
        Assert.That(code, Is.EqualTo(ExitCodes.Success), "two findings within a budget of five");
    }

    [Test]
    public void ADamagedCacheIsRecomputedNotAnError()
    {
        Run("check");
        File.WriteAllText(Path.Combine(_dir, "out", "smoothinfo-cache.json"), "{ \"schemaVersion\": 1, \"key\": 3");
        var (code, output, error) = Run("check");
        Assert.That(code, Is.EqualTo(ExitCodes.GateFailed), error);
        Assert.That(output, Does.Not.Contain(Reused));
        Assert.That(Run("check").Out, Does.Contain(Reused));
    }

    [Test]
    public void ReportFromTheSavedJsonGivesTheSameReportFilesAndVerdict()
    {
        var (checkCode, checkOut, _) = Run("check");
        var saved = ReadReports();
        foreach (var file in ReportFiles.Skip(1)) File.Delete(Path.Combine(_dir, "out", file));
        File.Delete(Path.Combine(_dir, "out", "smoothinfo-cache.json"));

        var (code, output, error) = Run("report");
        Assert.That(code, Is.EqualTo(checkCode), error);
        Assert.That(ReadReports(), Is.EqualTo(saved));
        Assert.That(output, Is.EqualTo(checkOut));
    }

    [Test]
    public void ReportAppliesTheCurrentBudgetToTheSavedSignals()
    {
        Assert.That(Run("check").Code, Is.EqualTo(ExitCodes.GateFailed));
        WritePolicy(baseline: false, overallBudget: 5);
        var (code, output, error) = Run("report");
        Assert.That(code, Is.EqualTo(ExitCodes.Success), error + output);
        Assert.That(output, Does.Contain("warning SI1001:").And.Not.Contain("SI1100"));
    }

    [Test]
    public void ABrokenSavedReportIsAnInputErrorNamingTheFileLineAndFix()
    {
        Run("check");
        string json = Path.Combine(_dir, "out", "smoothinfo-report.json");
        File.WriteAllText(json, "{\n  \"schemaVersion\": 1,\n  \"tool\": \n}\n");
        var (code, _, error) = Run("report");
        Assert.That(code, Is.EqualTo(ExitCodes.UsageOrInputError));
        Assert.That(error, Does.StartWith($"{json}(4,").And.Contain("error SI2502").And.Contain("Fix: run `smoothinfo check`"));

        File.WriteAllText(json, "{ \"schemaVersion\": 1, \"tool\": \"smoothinfo 0.1.0\" }");
        (code, _, error) = Run("report");
        Assert.That(code, Is.EqualTo(ExitCodes.UsageOrInputError));
        Assert.That(error, Does.StartWith($"{json}: error SI2502").And.Contain("$.classes is missing"));

        File.Delete(json);
        (code, _, error) = Run("report");
        Assert.That(code, Is.EqualTo(ExitCodes.UsageOrInputError));
        Assert.That(error, Does.StartWith($"{json}: error SI2501"));
    }

    [Test]
    public void ReportRejudgesTheSavedSignalsByAnotherScore()
    {
        Assert.That(Run("check").Out, Does.Contain("; label surprise "));
        string policy = Path.Combine(_dir, "smoothinfo.yml");
        File.WriteAllText(policy, File.ReadAllText(policy).Replace("rules:\n", "rules:\n  score: weight-si\n"));
        var (code, output, error) = Run("report");
        Assert.That(code, Is.EqualTo(ExitCodes.GateFailed), error);
        Assert.That(output, Does.Contain("; weight SI ").And.Not.Contain("label surprise"));
    }

    [Test]
    public void ReportRefusesAnFsiScoreWhenTheSavedSignalsHaveNoFsi()
    {
        string policy = Path.Combine(_dir, "smoothinfo.yml");
        File.WriteAllText(policy, File.ReadAllText(policy).Replace("seed: 3", "seed: 3\n  measures: [weight-si]"));
        Run("check");
        File.WriteAllText(policy, File.ReadAllText(policy).Replace("measures: [weight-si]", "measures: [weight-si, functional-si]")
            .Replace("rules:\n", "rules:\n  score: functional-si\n"));
        var (code, _, error) = Run("report");
        Assert.That(code, Is.EqualTo(ExitCodes.UsageOrInputError));
        Assert.That(error, Does.Contain("error SI2503").And.Contain("'no functional-si'"));
    }

    [Test]
    public void ReportRefusesSignalsMeasuredWithAnotherSigma()
    {
        Run("check");
        File.WriteAllText(Path.Combine(_dir, "smoothinfo.yml"), File.ReadAllText(Path.Combine(_dir, "smoothinfo.yml")).Replace("seed: 3", "seed: 3\n  sigma: 2"));
        var (code, _, error) = Run("report");
        Assert.That(code, Is.EqualTo(ExitCodes.UsageOrInputError));
        Assert.That(error, Does.Contain("error SI2503").And.Contain("sigma '1'").And.Contain("'2'"));
    }

    [Test]
    public void ReportHelpTeachesWhatItDoesAndDoesNot()
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Assert.That(SmoothInfoApp.Run(new[] { "report", "--help" }, stdout, stderr), Is.Zero);
        Assert.That(stdout.ToString(), Does.Contain("without running the estimator").And.Contain("--from").And.Contain("Exit codes").And.Contain("Example"));
    }
}
