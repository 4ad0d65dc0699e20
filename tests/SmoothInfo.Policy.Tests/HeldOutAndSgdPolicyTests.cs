using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Policy.Tests;

/// <summary><c>heldOut</c> (the dataset's keys, the dataset's preprocessing and classes) and <c>weight-si-sgd</c> with <c>estimator.sgd</c>.</summary>
public sealed class HeldOutAndSgdPolicyTests : PolicyFiles
{
    private const string HeldOut = "heldOut:\n  format: csv\n  path: train.csv\n";

    [Test]
    public void WithoutHeldOutThereIsNone() => Assert.That(Load(MinimalPolicy).HeldOut, Is.Null);

    [Test]
    public void HeldOutBindsTheDatasetsKeysAndTakesTheDatasetsPreprocessing()
    {
        var policy = Load(MinimalPolicy + "  preprocessing: { features: standardize }\n  classes: [x, y]\n" + HeldOut + "  idColumn: id\n");
        var heldOut = policy.HeldOut!;
        Assert.That(heldOut.Section, Is.EqualTo("heldOut"));
        Assert.That(policy.Dataset.Section, Is.EqualTo("dataset"));
        Assert.That(heldOut.Path, Is.EqualTo(Path.Combine(Dir, "train.csv")));
        Assert.That(heldOut.IdColumn, Is.EqualTo("id"));
        Assert.That(heldOut.Preprocessing, Is.EqualTo(policy.Dataset.Preprocessing));
    }

    [Test]
    public void AWrittenPreprocessingKeyThatDiffersFromTheDatasetsIsAnErrorAtIt()
    {
        var e = SingleError(MinimalPolicy + "  preprocessing: { features: standardize }\n" + HeldOut + "  preprocessing:\n    features: scale\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyInconsistent));
        Assert.That(e.Location!.Line, Is.EqualTo(10));
        Assert.That(e.Message, Does.StartWith("'heldOut.preprocessing.features' differs from 'dataset.preprocessing.features' (standardize)"));
        Assert.That(e.Fix, Does.Contain("set it to standardize"));
        Assert.That(Load(MinimalPolicy + "  preprocessing: { features: standardize }\n" + HeldOut + "  preprocessing:\n    features: standardize\n").HeldOut,
            Is.Not.Null, "the same value is allowed");
    }

    [Test]
    public void HeldOutClassesMustBeTheDatasets()
    {
        var e = SingleError(MinimalPolicy + "  classes: [x, y]\n" + HeldOut + "  classes: [y, x]\n");
        Assert.That(e.Message, Does.StartWith("'heldOut.classes' differs from 'dataset.classes'"));
        Assert.That(e.Location!.Line, Is.EqualTo(9));
    }

    [Test]
    public void HeldOutErrorsNameHeldOutKeys()
    {
        var e = SingleError(MinimalPolicy + "heldOut:\n  format: npy\n  path: train.csv\n");
        Assert.That(e.Message, Does.Contain("needs 'heldOut.labels'"));
        Assert.That(e.Fix, Does.Contain("under 'heldOut'"));
    }

    [Test]
    public void HeldOutWithoutMeasuringFunctionalSiIsAnError()
    {
        var e = SingleError(MinimalPolicy + "estimator:\n  measures: [weight-si]\n" + HeldOut);
        Assert.That(e.Message, Does.StartWith("'heldOut' is the set functional-si is measured on"));
        Assert.That(e.Location!.Line, Is.EqualTo(8), "the heldOut section");
    }

    [Test]
    public void WeightSiSgdBindsWithItsBatchSize()
    {
        var policy = Load(MinimalPolicy + "estimator:\n  measures: [weight-si, weight-si-sgd]\n  sgd: { batchSize: 32 }\n");
        Assert.That(policy.Estimator.Measures, Does.Contain(Measure.WeightSiSgd));
        Assert.That(policy.Estimator.Sgd.BatchSize, Is.EqualTo(32));
        Assert.That(Load(MinimalPolicy).Estimator.Sgd.BatchSize, Is.Null);
    }

    [TestCase("estimator:\n  measures: [weight-si-sgd]\n", 6, ErrorCodes.PolicyMissingKey, "add 'sgd: { batchSize: N }' under 'estimator'")]
    [TestCase("estimator:\n  measures: [weight-si-sgd]\n  sgd: { batchSize: 8 }\ntraining:\n  steps: 100\n", 9, ErrorCodes.PolicyInconsistent, "set 'training.steps: inf'")]
    [TestCase("estimator:\n  measures: [weight-si-sgd]\n  sgd: { batchSize: 8 }\ntraining:\n  weightDecay: 0\n", 9, ErrorCodes.PolicyInconsistent, "set 'training.weightDecay' to a positive number")]
    [TestCase("estimator:\n  measures: [weight-si-sgd]\n  sgd: { batchSize: 8 }\nmodel:\n  probe: { kind: gaussian }\n", 9, ErrorCodes.PolicyInconsistent, "use 'model.probe.kind: mlp' or 'cnn'")]
    [TestCase("estimator:\n  measures: [weight-si-sgd]\n  sgd: { batchSize: 8 }\nmodel:\n  probe: { kind: linear }\n", 9, ErrorCodes.PolicyInconsistent, "use 'model.probe.kind: mlp' or 'cnn'")]
    public void WeightSiSgdWhereItDoesNotApplyIsRefusedAtTheKey(string yaml, int line, string code, string fix)
    {
        var e = SingleError(MinimalPolicy + yaml);
        Assert.That(e.Code, Is.EqualTo(code));
        Assert.That(e.Message, Does.StartWith("'estimator.measures' has weight-si-sgd"));
        Assert.That(e.Location!.Line, Is.EqualTo(line));
        Assert.That(e.Fix, Does.Contain(fix));
    }
}
