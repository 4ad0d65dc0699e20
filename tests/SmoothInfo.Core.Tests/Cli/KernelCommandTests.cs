using System.Diagnostics;
using System.Text.Json;
using SmoothInfo.Cli;
using SmoothInfo.Data.Npy;
using SmoothInfo.Estimation;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reference;
using SmoothInfo.Tests.Estimation;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Cli;

/// <summary>`smoothinfo kernel`: the command-line contract, result.json, and exit code 2 with a clear line for bad input.</summary>
public sealed class KernelCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("kernel-cli-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Save(string name, Tensor t)
    {
        string path = Path.Combine(_dir, name);
        NpyFile.Write(path, t);
        return path;
    }

    private string[] Arguments(KernelProblem problem, params string[] extra)
    {
        var args = new List<string>
        {
            "kernel", "--ntk", Save("A.npy", problem.TrainKernel), "--targets", Save("Y.npy", problem.Targets),
            "--init-preds", Save("F0.npy", problem.InitialPredictions), "--out", Path.Combine(_dir, "result.json"),
        };
        if (problem.TestKernel is not null)
            args.AddRange(new[] { "--test-ntk", Save("T.npy", problem.TestKernel), "--test-init-preds", Save("G0.npy", problem.TestInitialPredictions!) });
        args.AddRange(extra);
        return args.ToArray();
    }

    private static (int Code, string Out, string Error) Run(string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        int code = SmoothInfoApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Test]
    public void WritesEveryQuantityOfTheContract()
    {
        var model = RandomLinearizedModel.Create(n: 6, k: 2, d: 40, m: 3, seed: 2);
        var run = new TrainingRun(0.2, 30, 0.05, TrainingDynamics.Discrete, LossReduction.Mean);
        var (code, _, error) = Run(Arguments(model.Problem(true),
            "--learning-rate", "0.2", "--steps", "30", "--weight-decay", "0.05", "--sigma", "0.5"));
        Assert.That(code, Is.EqualTo(0), error);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "result.json")));
        var samples = json.RootElement.GetProperty("samples").EnumerateArray().ToList();
        var expected = WeightSpaceRetraining.Run(model.Jacobian, model.Targets, model.InitialPredictions, model.TestJacobian, run);
        Assert.That(samples, Has.Count.EqualTo(6));
        for (int i = 0; i < 6; i++)
        {
            var s = samples[i];
            Assert.That(s.GetProperty("index").GetInt32(), Is.EqualTo(i));
            double weightChange = expected.WeightChange[i].item<double>();
            double testChange = expected.TestPredictionChange![i].item<double>();
            Assert.That(s.GetProperty("weightChange").GetDouble(), Is.EqualTo(weightChange).Within(1e-9).Percent);
            Assert.That(s.GetProperty("testPredictionChange").GetDouble(), Is.EqualTo(testChange).Within(1e-9).Percent);
            Assert.That(s.GetProperty("trainPredictionChange").GetDouble(),
                Is.EqualTo(expected.TrainPredictionChange[i].item<double>()).Within(1e-9).Percent);
            Assert.That(s.GetProperty("looPrediction").EnumerateArray().Select(e => e.GetDouble()),
                Is.EqualTo(expected.LeaveOneOutPrediction[i].data<double>().ToArray()).Within(1e-9).Percent);
            Assert.That(s.GetProperty("weightSI").GetDouble(), Is.EqualTo(weightChange / (2 * 0.25)).Within(1e-9).Percent);
            Assert.That(s.GetProperty("functionalSI").GetDouble(), Is.EqualTo(testChange * 3 / (2 * 0.25)).Within(1e-9).Percent);
        }
        // 30 steps: the Chebyshev interpolant needs fewer products than steps (its choice is tested in ChebyshevLeaveOneOutTests).
        Assert.That(json.RootElement.GetProperty("solver").GetProperty("method").GetString(), Is.EqualTo("chebyshev"));
    }

    [Test]
    public void WithoutAHeldOutSetTheTestFieldIsAbsentAndInfinityIsAccepted()
    {
        var model = RandomLinearizedModel.Create(n: 5, k: 1, d: 20, m: 1, seed: 3);
        var (code, _, error) = Run(Arguments(model.Problem(false), "--learning-rate", "0.1", "--steps", "inf", "--weight-decay", "0.01", "--continuous", "--loss", "sum"));
        Assert.That(code, Is.EqualTo(0), error);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "result.json")));
        var first = json.RootElement.GetProperty("samples")[0];
        Assert.That(first.TryGetProperty("testPredictionChange", out _), Is.False);
        Assert.That(first.GetProperty("looPrediction").GetArrayLength(), Is.EqualTo(1));
        Assert.That(json.RootElement.GetProperty("solver").GetProperty("conditionNumber").GetDouble(), Is.GreaterThan(1));
    }

    [Test]
    public void Float32FilesAreReadAndComputedInFloat64()
    {
        var model = RandomLinearizedModel.Create(n: 5, k: 2, d: 30, m: 1, seed: 4);
        var problem = model.Problem(false);
        var single = problem with { TrainKernel = problem.TrainKernel.to(float32), Targets = problem.Targets.to(float32) };
        var (code, _, error) = Run(Arguments(single, "--learning-rate", "0.1", "--steps", "inf", "--weight-decay", "0.01"));
        Assert.That(code, Is.EqualTo(0), error);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "result.json")));
        Assert.That(json.RootElement.GetProperty("solver").GetProperty("precision").GetString(), Is.EqualTo("float64"));
    }

    public static IEnumerable<TestCaseData> BadInputs()
    {
        var model = RandomLinearizedModel.Create(n: 6, k: 2, d: 40, m: 2, seed: 5);
        var good = model.Problem(true);
        string[] converged = { "--learning-rate", "0.1", "--steps", "inf", "--weight-decay", "0.01" };

        yield return Case("targets of another length", good with { Targets = good.Targets.narrow(0, 0, 5) }, converged, "SI2201", "Y.npy", "expected (6, 2)");
        var tiny = RandomLinearizedModel.Create(n: 1, k: 2, d: 10, m: 1, seed: 1).Problem(false);
        yield return Case("a single sample", tiny, converged, "SI2202", "Y.npy", "at least 2");
        var nan = good.TrainKernel.clone();
        nan[3, 4] = tensor(double.NaN);
        nan[4, 3] = tensor(double.NaN);
        yield return Case("a NaN in the kernel", good with { TrainKernel = nan }, converged, "SI2203", "A.npy", "NaN at row 3 (sample 1, output 1)");
        var asymmetric = good.TrainKernel.clone();
        asymmetric[0, 5] += 0.5;
        yield return Case("an asymmetric kernel", good with { TrainKernel = asymmetric }, converged, "SI2204", "A.npy", "not symmetric");
        var thin = RandomLinearizedModel.Create(n: 6, k: 2, d: 5, m: 2, seed: 6);
        yield return Case("a singular kernel without weight decay", thin.Problem(true),
            new[] { "--learning-rate", "0.1", "--steps", "inf", "--weight-decay", "0" }, "SI2205", "A.npy", "--weight-decay");
        yield return Case("a step that diverges", good, new[] { "--learning-rate", "50", "--steps", "10", "--weight-decay", "0" },
            "SI2206", "smoothinfo", "lower --learning-rate below");
        yield return Case("a negative weight decay", good, new[] { "--learning-rate", "0.1", "--steps", "10", "--weight-decay", "-1" },
            "SI2207", "smoothinfo", "zero or positive");
        yield return Case("fractional discrete steps", good, new[] { "--learning-rate", "0.1", "--steps", "2.5", "--weight-decay", "0" },
            "SI2207", "smoothinfo", "--continuous");
        yield return Case("steps that are not a number", good, new[] { "--learning-rate", "0.1", "--steps", "many", "--weight-decay", "0" },
            "SI2000", "smoothinfo", "'inf'");
        yield return Case("a missing option", good, new[] { "--learning-rate", "0.1", "--steps", "10" },
            "SI2000", "smoothinfo", "--weight-decay");
    }

    private static TestCaseData Case(string name, KernelProblem problem, string[] options, string code, string where, string says) =>
        new TestCaseData(problem, options, code, where, says).SetName($"Rejects {name}");

    [TestCaseSource(nameof(BadInputs))]
    public void BadInputExitsWithCode2AndOneClearLine(KernelProblem problem, string[] options, string code, string where, string says)
    {
        var (exit, _, error) = Run(Arguments(problem, options));
        Assert.That(exit, Is.EqualTo(2), error);
        Assert.That(error, Does.Contain($"error {code}:"));
        Assert.That(error, Does.Contain(where));
        Assert.That(error, Does.Contain(says));
        Assert.That(error, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(File.Exists(Path.Combine(_dir, "result.json")), Is.False, "no result is left behind");
    }

    [Test]
    public void AMissingFileIsNamed()
    {
        var model = RandomLinearizedModel.Create(n: 4, k: 1, d: 10, m: 1, seed: 7);
        var args = Arguments(model.Problem(false), "--learning-rate", "0.1", "--steps", "inf", "--weight-decay", "0.01");
        File.Delete(Path.Combine(_dir, "F0.npy"));
        var (exit, _, error) = Run(args);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(error, Does.StartWith(Path.Combine(_dir, "F0.npy") + ": error SI2101:"));
    }

    [Test]
    public void TheRealExecutableLoadsTorchAndKeepsItsExitCodes()
    {
        string tool = Path.Combine(AppContext.BaseDirectory, "smoothinfo.dll");
        var model = RandomLinearizedModel.Create(n: 4, k: 2, d: 20, m: 1, seed: 8);
        var good = Arguments(model.Problem(false), "--learning-rate", "0.1", "--steps", "inf", "--weight-decay", "0.01");
        var (code, _, error) = RunProcess(tool, good);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(File.Exists(Path.Combine(_dir, "result.json")), Is.True);

        var (badCode, _, badError) = RunProcess(tool, good.Select(a => a == "inf" ? "never" : a).ToArray());
        Assert.That(badCode, Is.EqualTo(2));
        Assert.That(badError, Does.Contain("error SI2000"));
        Assert.That(badError, Does.Not.Contain("   at "));
    }

    private static (int Code, string Out, string Error) RunProcess(string tool, string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(tool);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.That(process.WaitForExit(TimeSpan.FromMinutes(2)), Is.True, "the tool must not hang");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
