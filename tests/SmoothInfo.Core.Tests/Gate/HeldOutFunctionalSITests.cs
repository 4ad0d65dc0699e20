using System.Globalization;
using System.Text;
using System.Text.Json;
using SmoothInfo.Data;
using SmoothInfo.Diagnostics;
using SmoothInfo.Gate;
using SmoothInfo.Policy.Loading;
using SmoothInfo.Policy.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Gate;

/// <summary>
/// <c>heldOut</c> through the gate against a float64 brute force: the linearized model is retrained from scratch without
/// each training sample (a fresh solve, or the gradient descent steps run again), and its held-out predictions are
/// compared with those of the model trained on all samples. The reference shares nothing with the estimator but the
/// network's seeded start (ProbeNetworks) and the median bandwidth's definition; its Jacobian comes from autograd.
/// </summary>
public sealed class HeldOutFunctionalSITests
{
    private const int Train = 24, HeldOut = 10, Classes = 3, Features = 3;
    private const double Sigma = 0.7;
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("heldout-").FullName;
        File.WriteAllText(Path.Combine(_dir, "train.csv"), Table(Train, seed: 1));
        File.WriteAllText(Path.Combine(_dir, "heldout.csv"), Table(HeldOut, seed: 2));
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    /// <summary>Three overlapping clusters on an offset, unscaled scale, so standardization with the training statistics matters.</summary>
    private static string Table(int rows, int seed)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("f1,f2,f3,label\n");
        for (int i = 0; i < rows; i++)
        {
            int c = (i + seed) % Classes;
            double F(int j) => 10 + 3 * j + (c == j ? 2 : 0) + 1.5 * (random.NextDouble() - 0.5) * (j + 1);
            csv.Append(CultureInfo.InvariantCulture, $"{F(0):F5},{F(1):F5},{F(2):F5},c{c}\n");
        }
        return csv.ToString();
    }

    private SmoothInfoPolicy Policy(string model, string training, string heldOut = "heldOut:\n  format: csv\n  path: heldout.csv\n")
    {
        string path = Path.Combine(_dir, "smoothinfo.yml");
        File.WriteAllText(path, $"version: 1\ndataset:\n  format: csv\n  path: train.csv\n  preprocessing: {{ features: standardize }}\n{heldOut}" +
            $"model:\n{model}training:\n{training}estimator:\n  sigma: {Sigma.ToString(CultureInfo.InvariantCulture)}\n  seed: 5\n  measures: [weight-si, functional-si]\n");
        return PolicyLoader.Load(path);
    }

    public static IEnumerable<TestCaseData> Routes()
    {
        const string converged = "  learningRate: 0.1\n  steps: inf\n  weightDecay: 0.05\n";
        yield return new TestCaseData("  probe: { kind: mlp, widths: [8] }\n", converged, "closed-form").SetName("FunctionSpaceClosedForm");
        yield return new TestCaseData("  probe: { kind: mlp, widths: [2] }\n", converged, "weight-space").SetName("WeightSpace");
        yield return new TestCaseData("  probe: { kind: mlp, widths: [5] }\n  linearize: 1\n", converged, "weight-space linear head").SetName("LinearHead");
        yield return new TestCaseData("  probe: { kind: mlp, widths: [5] }\n  linearize: 1\n", "  learningRate: 0.1\n  steps: inf\n  weightDecay: auto\n",
            "closed-form feature-space").SetName("LinearHeadAutomaticWeightDecay");
        yield return new TestCaseData("  probe: { kind: mlp, widths: [8] }\n", "  learningRate: 0.02\n  steps: 40\n  weightDecay: 0.01\n  dynamics: discrete\n",
            "chebyshev").SetName("FiniteStepsOfGradientDescent");
        yield return new TestCaseData("  probe: { kind: gaussian }\n", converged, "closed-form class-shared").SetName("GaussianProbe");
    }

    [TestCaseSource(nameof(Routes))]
    public void HeldOutFunctionalSIEqualsBruteForceRetraining(string model, string training, string method)
    {
        var policy = Policy(model, training);
        var report = GatePipeline.Run(policy, new GateRunOptions(CPU)).Report;
        Assert.That(report.Solver.Method, Is.EqualTo(method), report.Solver.Reason);
        Assert.That(report.Solver.HeldOutSamples, Is.EqualTo(HeldOut));

        double weightDecay = report.Solver.Regularization?.Chosen ?? policy.Training.WeightDecay!.Value;
        var expected = BruteForceFunctionalSI(policy, weightDecay);
        var actual = report.Signals.Select(s => s.FunctionalSI).ToArray();
        double scale = expected.Max();
        Assert.That(scale, Is.GreaterThan(1e-6), "a reference of zeros would prove nothing");
        for (int i = 0; i < Train; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-6 * scale), $"sample {i}");
    }

    [Test]
    public void WithoutHeldOutTheReportsSayTrainingSetAndWithItHeldOut()
    {
        const string model = "  probe: { kind: mlp, widths: [8] }\n", training = "  steps: inf\n  weightDecay: 0.05\n";
        var without = GatePipeline.Run(Policy(model, training, heldOut: ""), new GateRunOptions(CPU)).Report;
        var with = GatePipeline.Run(Policy(model, training), new GateRunOptions(CPU)).Report;
        Assert.That(without.Solver.HeldOutSamples, Is.Zero);
        Assert.That(with.Signals.Select(s => s.FunctionalSI), Is.Not.EqualTo(without.Signals.Select(s => s.FunctionalSI)));

        string json = Path.Combine(_dir, "report.json");
        SmoothInfo.Reports.JsonReport.Write(json, with);
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var functional = document.RootElement.GetProperty("solver").GetProperty("functionalSI");
        Assert.That(functional.GetProperty("measuredOn").GetString(), Is.EqualTo("held-out"));
        Assert.That(functional.GetProperty("heldOutSamples").GetInt64(), Is.EqualTo(HeldOut));
        Assert.That(SmoothInfo.Reports.SavedReport.Read(json).Output.Solver.HeldOutSamples, Is.EqualTo(HeldOut), "read back by `smoothinfo report`");

        Assert.That(SmoothInfo.Reports.MarkdownReport.Render(with, _dir), Does.Contain("- F-SI: on the held-out set (10 samples)"));
        Assert.That(SmoothInfo.Reports.MarkdownReport.Render(without, _dir), Does.Contain("- F-SI: on the training set"));
        Assert.That(SmoothInfo.Reports.Html.HtmlReport.Render(with, _dir), Does.Contain("<dt>F-SI</dt><dd>on the held-out set (10 samples)"));
        Assert.That(GatePipeline.ScoreName(ScoreSignal.FunctionalSi, with.Solver), Is.EqualTo("held-out F-SI (10 held-out samples)"));
        Assert.That(GatePipeline.ScoreName(ScoreSignal.FunctionalSi, without.Solver), Is.EqualTo("training-set F-SI"));
    }

    [Test]
    public void AHeldOutLabelAmongNoTrainingClassIsAnErrorAtItsLine()
    {
        File.AppendAllText(Path.Combine(_dir, "heldout.csv"), "10,13,16,c9\n");
        var e = Assert.Throws<InputException>(() => GatePipeline.Run(Policy("  probe: { kind: mlp, widths: [8] }\n", "  steps: inf\n"), new GateRunOptions(CPU)))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.LabelUnknown));
        Assert.That(e.Location, Is.EqualTo(new SourceLocation(Path.Combine(_dir, "heldout.csv"), HeldOut + 2)));
        Assert.That(e.Message, Does.Contain("not one of the training data's classes (c0, c1, c2)"));
        Assert.That(e.Fix, Does.Contain("remove the sample from the held-out set ('heldOut')"));
    }

    [Test]
    public void HeldOutSamplesOfAnotherShapeAreAnErrorAtTheHeldOutFile()
    {
        File.WriteAllText(Path.Combine(_dir, "heldout.csv"), "f1,f2,label\n1,2,c0\n");
        var policy = Policy("  probe: { kind: mlp, widths: [8] }\n", "  steps: inf\n");
        var e = Assert.Throws<InputException>(() => GatePipeline.Run(policy, new GateRunOptions(CPU)))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.ShapeInconsistent));
        Assert.That(e.Location, Is.EqualTo(new SourceLocation(Path.Combine(_dir, "heldout.csv"))));
        Assert.That(e.Message, Does.StartWith("the held-out samples have shape [2], the training samples [3]"));
        Assert.That(e.Fix, Does.Contain("give 'heldOut' the same feature columns"));
    }

    [Test]
    public void HeldOutFeaturesAreScaledWithTheTrainingStatistics()
    {
        var policy = Policy("  probe: { kind: mlp, widths: [8] }\n", "  steps: inf\n");
        var training = DatasetReader.Read(policy);
        var heldOut = DatasetReader.ReadHeldOut(policy, training)!;
        var (trainRaw, _) = ReadTable("train.csv");
        var (heldOutRaw, _) = ReadTable("heldout.csv");
        var (mean, std) = MeanStd(trainRaw);
        var scaled = new float[HeldOut * Features];
        heldOut.CopyFeatures(0, HeldOut, scaled);
        for (int i = 0; i < HeldOut; i++)
            for (int j = 0; j < Features; j++)
                Assert.That(scaled[i * Features + j], Is.EqualTo((float)((heldOutRaw[i][j] - mean[j]) / std[j])));
        Assert.That(heldOut.ClassNames, Is.EqualTo(training.ClassNames));
    }

    // ---- the float64 reference ----

    private (float[][] Rows, int[] Labels) ReadTable(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(_dir, file)).Skip(1).ToArray();
        var rows = lines.Select(l => l.Split(',').Take(Features).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var labels = lines.Select(l => int.Parse(l.Split(',')[Features][1..], CultureInfo.InvariantCulture)).ToArray();
        return (rows, labels);
    }

    private static (double[] Mean, double[] Std) MeanStd(float[][] rows)
    {
        var mean = Enumerable.Range(0, Features).Select(j => rows.Average(r => (double)r[j])).ToArray();
        var std = Enumerable.Range(0, Features).Select(j => Math.Sqrt(rows.Average(r => (r[j] - mean[j]) * (r[j] - mean[j])))).ToArray();
        return (mean, std);
    }

    /// <summary>Standardized with the training statistics, stored as float32 as the gate's dataset stores features.</summary>
    private static Tensor Standardized(float[][] rows, double[] mean, double[] std) =>
        tensor(rows.SelectMany(r => r.Select((v, j) => (double)(float)((v - mean[j]) / std[j]))).ToArray(), new long[] { rows.Length, Features });

    private double[] BruteForceFunctionalSI(SmoothInfoPolicy policy, double weightDecay)
    {
        using var scope = NewDisposeScope();
        var (trainRows, trainLabels) = ReadTable("train.csv");
        var (heldOutRows, _) = ReadTable("heldout.csv");
        var (mean, std) = MeanStd(trainRows);
        var x = Standardized(trainRows, mean, std);
        var xTest = Standardized(heldOutRows, mean, std);
        var y = nn.functional.one_hot(tensor(trainLabels.Select(l => (long)l).ToArray()), Classes).to(float64);
        return policy.Model.Probe.Kind == ProbeKind.Gaussian
            ? GaussianReference(x, xTest, y, weightDecay)
            : NetworkReference(policy, x, xTest, y, weightDecay);
    }

    /// <summary>Kernel ridge regression on exp(-||x - x'||^2 / h) from the class prior, solved afresh without each sample.</summary>
    private static double[] GaussianReference(Tensor x, Tensor xTest, Tensor y, double weightDecay)
    {
        var distances = new List<double>();
        for (int i = 0; i < Train; i++)
            for (int j = i + 1; j < Train; j++) distances.Add((x[i] - x[j]).square().sum().item<double>());
        distances.Sort();
        // torch's median of an even count is the lower middle value.
        double h = distances[(distances.Count - 1) / 2];
        Tensor Kernel(Tensor a, Tensor b) => (-(a.unsqueeze(1) - b.unsqueeze(0)).square().sum(2) / h).exp();
        var prior = y.mean(new long[] { 0 }, keepdim: true);
        Tensor Predict(long[] keep)
        {
            var index = tensor(keep);
            var xs = x.index_select(0, index);
            var coefficients = linalg.solve(Kernel(xs, xs) + weightDecay * eye(keep.Length, dtype: float64), y.index_select(0, index) - prior);
            return prior + Kernel(xTest, xs).matmul(coefficients);
        }
        return FunctionalSI(Predict);
    }

    /// <summary>The linearized network f0 + J (w - w0), its weights from the normal equations (t = inf) or the gradient descent steps run again.</summary>
    private static double[] NetworkReference(SmoothInfoPolicy policy, Tensor x, Tensor xTest, Tensor y, double weightDecay)
    {
        var network = SmoothInfo.Models.ProbeNetworks.Build(
            new SmoothInfo.Models.MlpSpec(Features, policy.Model.Probe.Widths, Classes, SmoothInfo.Policy.Model.Activation.Relu), policy.Estimator.Seed);
        var parameters = network.parameters().ToList();
        if (policy.Model.LinearizeLastLayers is 1) parameters = parameters.TakeLast(2).ToList(); // the head's weight and bias
        var (jacobian, f0) = Jacobian(network, parameters, x);
        var (testJacobian, testF0) = Jacobian(network, parameters, xTest);
        var residual = (y - f0).reshape(-1);
        long d = jacobian.shape[1];
        var training = policy.Training;
        Tensor Predict(long[] keep)
        {
            var rows = tensor(keep.SelectMany(i => Enumerable.Range(0, Classes).Select(c => i * Classes + c)).ToArray());
            var j = jacobian.index_select(0, rows);
            var r = residual.index_select(0, rows);
            Tensor w;
            if (training.Steps is not { } steps)
                w = linalg.solve(j.T.matmul(j) + weightDecay * eye(d, dtype: float64), j.T.matmul(r));
            else
            {
                // Mean loss: the run without a sample takes steps eta n / (n - 1) (docs/estimator.md).
                double eta = keep.Length == Train ? training.LearningRate : training.LearningRate * Train / (Train - 1);
                w = zeros(d, dtype: float64);
                for (long t = 0; t < steps; t++) w = w - eta * (j.T.matmul(j.matmul(w) - r) + weightDecay * w);
            }
            return testF0 + testJacobian.matmul(w).reshape(HeldOut, Classes);
        }
        return FunctionalSI(Predict);
    }

    /// <summary>||f(X_te) - f_{-i}(X_te)||^2 / (2 sigma^2) for every training sample i.</summary>
    private static double[] FunctionalSI(Func<long[], Tensor> predict)
    {
        var all = Enumerable.Range(0, Train).Select(i => (long)i).ToArray();
        var full = predict(all);
        return all.Select(i => (full - predict(all.Where(k => k != i).ToArray())).square().sum().item<double>() / (2 * Sigma * Sigma)).ToArray();
    }

    /// <summary>Rows d f_c(x_i) / d parameters by autograd, one backward pass per (sample, output), sample-major; and f(x).</summary>
    private static (Tensor Jacobian, Tensor Outputs) Jacobian(TorchSharp.Modules.Sequential network, IList<TorchSharp.Modules.Parameter> parameters, Tensor inputs)
    {
        var rows = new List<Tensor>();
        var outputs = new List<Tensor>();
        for (long i = 0; i < inputs.shape[0]; i++)
        {
            var output = network.call(inputs.narrow(0, i, 1)).squeeze(0);
            outputs.Add(output.detach());
            for (int c = 0; c < Classes; c++)
            {
                var gradients = torch.autograd.grad(new[] { output[c] }, parameters.Cast<Tensor>().ToList(), retain_graph: true);
                rows.Add(cat(gradients.Select(g => g.reshape(-1)).ToList(), 0));
            }
        }
        return (stack(rows).detach(), stack(outputs));
    }
}
