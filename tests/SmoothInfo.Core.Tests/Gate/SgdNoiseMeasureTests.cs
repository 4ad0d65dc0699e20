using System.Globalization;
using System.Text;
using SmoothInfo.Data;
using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Gate;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Policy.Loading;
using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Gate;

/// <summary>
/// <c>weight-si-sgd</c> through the policy: the gate's wiring (noise scale learning rate / batch size, the network's
/// Jacobian, one-hot targets) against <see cref="SgdNoiseWeightSI"/> called directly (whose own slow twin, a dense
/// Lyapunov solve with retraining, is SgdNoiseWeightSITests), every report carrying it, and the refusal of a network too wide.
/// </summary>
public sealed class SgdNoiseMeasureTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("sgd-").FullName;
        var random = new Random(3);
        var csv = new StringBuilder("a,b,label\n");
        for (int i = 0; i < 40; i++)
            csv.Append(CultureInfo.InvariantCulture, $"{random.NextDouble() + (i % 2):F5},{random.NextDouble() - (i % 2):F5},{(i % 2 == 0 ? "no" : "yes")}\n");
        File.WriteAllText(Path.Combine(_dir, "train.csv"), csv.ToString());
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private SmoothInfoPolicy Policy(string widths)
    {
        string path = Path.Combine(_dir, "smoothinfo.yml");
        File.WriteAllText(path, "version: 1\ndataset:\n  format: csv\n  path: train.csv\n" +
            $"model:\n  probe: {{ kind: mlp, widths: [{widths}], activation: tanh }}\ntraining:\n  learningRate: 0.2\n  steps: inf\n  weightDecay: 0.05\n" +
            "estimator:\n  seed: 2\n  measures: [weight-si, functional-si, weight-si-sgd]\n  sgd: { batchSize: 8 }\n");
        return PolicyLoader.Load(path);
    }

    [Test]
    public void TheGateMeasuresWhatTheEstimatorComputesAtLearningRateOverBatchSize()
    {
        var policy = Policy("3");
        var report = GatePipeline.Run(policy, new GateRunOptions(CPU)).Report;
        Assert.That(report.Solver.SgdNoiseScale, Is.EqualTo(0.2 / 8));

        using var scope = NewDisposeScope();
        var dataset = DatasetReader.Read(policy);
        var network = ProbeModel.Build(policy.Model, dataset, policy.Estimator.Seed, ScalarType.Float64, CPU);
        var inputs = ProbeModel.Inputs(dataset, policy.Model, ScalarType.Float64);
        var targets = nn.functional.one_hot(DatasetTensors.Labels(dataset), 2).to(float64);
        Tensor f0;
        using (no_grad()) f0 = network.call(inputs);
        var rows = JacobianRows.Exact(network, ParameterSelection.All);
        var expected = SgdNoiseWeightSI.Compute(rows.Source(inputs), targets, f0, new TrainingRun(0.2, double.PositiveInfinity, 0.05, TrainingDynamics.Continuous), 0.2 / 8)
            .data<double>().ToArray();
        Assert.That(expected.Max(), Is.GreaterThan(0));
        Assert.That(report.Signals.Select(s => s.WeightSISgd).ToArray(), Is.EqualTo(expected).Within(1e-12 * expected.Max()));

        Assert.That(SmoothInfo.Reports.MarkdownReport.Render(report, _dir), Does.Contain("- SGD-noise weight SI: weights smoothed by the stationary SGD noise covariance (learning rate / batch size = 0.025)"));
        Assert.That(SmoothInfo.Reports.Html.HtmlReport.Render(report, _dir), Does.Contain("<dt>SGD-noise weight SI</dt>"));
        string json = Path.Combine(_dir, "report.json");
        SmoothInfo.Reports.JsonReport.Write(json, report);
        var saved = SmoothInfo.Reports.SavedReport.Read(json);
        Assert.That(saved.Output.Signals.Select(s => s.WeightSISgd), Is.EqualTo(report.Signals.Select(s => s.WeightSISgd)), "read back by `smoothinfo report`");
        Assert.That(saved.Output.Solver.SgdNoiseScale, Is.EqualTo(0.025));
        string sarif = Path.Combine(_dir, "report.sarif");
        SmoothInfo.Reports.SarifReport.Write(sarif, report, _dir);
        Assert.That(File.ReadAllText(sarif), Does.Contain("\"SGD-noise weight SI\": \"weights smoothed by the stationary SGD noise covariance"));
    }

    [Test]
    public void ANetworkTooWideForTheDenseCovarianceIsRefusedAtEstimatorMeasures()
    {
        var policy = Policy("2000");   // d = 2 * 2000 + 2000 + 2000 * 2 + 2 = 10002 > 4096
        var e = Assert.Throws<InputException>(() => GatePipeline.Run(policy, new GateRunOptions(CPU)))!;
        Assert.That(e.Location, Is.EqualTo(policy.Locations.Of("estimator.measures")));
        Assert.That(e.Location!.Line, Is.EqualTo(13));
        Assert.That(e.Message, Does.Contain("D = 10002 parameters, above the 4096"));
        Assert.That(e.Fix, Does.Contain("'model.linearize: 1'"));
    }
}
