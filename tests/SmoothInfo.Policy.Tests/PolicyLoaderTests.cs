using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Policy.Tests;

public sealed class PolicyLoaderTests : PolicyFiles
{
    [Test]
    public void MinimalPolicyGetsTheDocumentedDefaults()
    {
        var policy = Load(MinimalPolicy);
        Assert.That(policy.Version, Is.EqualTo(1));
        Assert.That(policy.Dataset.Format, Is.EqualTo(DatasetFormat.Csv));
        Assert.That(policy.Dataset.Path, Is.EqualTo(Path.Combine(Dir, "train.csv")));
        Assert.That(policy.Dataset.LabelColumn, Is.EqualTo("label"));
        Assert.That(policy.Dataset.FeatureColumns, Is.Empty);
        Assert.That(policy.Dataset.Preprocessing, Is.EqualTo(new PreprocessingPolicy(FeatureScaling.None, null, 3)));
        Assert.That(policy.Model.Probe.Widths, Is.EqualTo(new[] { 256 }));
        Assert.That(policy.Model.LinearizeLastLayers, Is.Null);
        Assert.That(policy.Training.Steps, Is.Null, "steps: inf is the default");
        Assert.That(policy.Training.LearningRate, Is.EqualTo(0.01));
        Assert.That(policy.Estimator.Measures, Is.EqualTo(new[] { Measure.WeightSi, Measure.FunctionalSi }));
        Assert.That(policy.Estimator.MaxSamples, Is.EqualTo(20000));
        Assert.That(policy.Rules.Score, Is.EqualTo(ScoreSignal.LabelSurprise));
        Assert.That(policy.Rules.Mislabeled, Is.EqualTo(new CategoryRule(true, ThresholdKind.Absolute, 0.3)));
        Assert.That(policy.Rules.InputOutliers, Is.EqualTo(new InputOutlierRule(true, 5)));
        Assert.That(policy.Rules.ConflictingDuplicates, Is.EqualTo(new ConflictingDuplicatesRule(true)));
        Assert.That(policy.Rules.IsolatedInputs, Is.EqualTo(new IsolatedInputRule(true, 0.98)));
        Assert.That(policy.Rules.Budgets.Overall, Is.EqualTo(new Budget(null, null)));
        Assert.That(policy.Reports.Directory, Is.EqualTo(Path.Combine(Dir, "artifacts", "smoothinfo")));
        Assert.That(policy.Reports.Formats, Is.EqualTo(new[] { ReportFormat.Json, ReportFormat.Sarif }));
    }

    [Test]
    public void EverySectionIsRead()
    {
        File.WriteAllText(Path.Combine(Dir, "labels.npy"), "");
        File.WriteAllText(Path.Combine(Dir, "w.safetensors"), "");
        var policy = Load("""
            version: 1
            dataset:
              format: npy
              path: train.csv
              labels: labels.npy
              classes: [cat, dog]
              preprocessing: { features: standardize, imageSize: [32, 24], channels: 1 }
            model:
              probe: { kind: cnn, widths: [64], activation: gelu, channels: [8], kernelSize: 5 }
              weights: w.safetensors
              weightsFormat: state-dict
              linearize: 2
            training: { learningRate: 0.1, steps: 500, weightDecay: 0, dynamics: discrete, loss: sum }
            estimator:
              measures: [loo-prediction]
              sigma: 0.01
              kernel: { blockSize: 64, projection: { kind: sparse-sign, dimension: 512, sparsity: 3 } }
              device: cpu
              precision: float32
              maxSamples: 100
              seed: 7
            rules:
              mislabeled: { kind: quantile, threshold: 0.99 }
              adversarialLooking: { enabled: false }
              conflictingDuplicates: { enabled: false }
              isolatedInputs: { enabled: false, threshold: 0.9 }
              budgets: { perSource: { maxCount: 3, maxFraction: 0.1 } }
            baseline: smoothinfo.baseline.json
            reports: { directory: out, formats: [html, markdown] }
            """);
        Assert.That(policy.Dataset.Labels, Is.EqualTo(Path.Combine(Dir, "labels.npy")));
        Assert.That(policy.Dataset.Classes, Is.EqualTo(new[] { "cat", "dog" }));
        Assert.That(policy.Dataset.Preprocessing, Is.EqualTo(new PreprocessingPolicy(FeatureScaling.Standardize, (32, 24), 1)));
        Assert.That(policy.Model.Probe.Kind, Is.EqualTo(ProbeKind.Cnn));
        Assert.That(policy.Model.Probe.KernelSize, Is.EqualTo(5));
        Assert.That(policy.Model.WeightsFormat, Is.EqualTo(WeightsFormat.StateDict));
        Assert.That(policy.Model.LinearizeLastLayers, Is.EqualTo(2));
        Assert.That(policy.Training, Is.EqualTo(new TrainingPolicy(0.1, 500, 0, TrainingDynamics.Discrete, LossReduction.Sum)));
        Assert.That(policy.Estimator.Measures, Is.EqualTo(new[] { Measure.LooPrediction }));
        Assert.That(policy.Estimator.Kernel, Is.EqualTo(new KernelPolicy(64, new ProjectionPolicy(JacobianProjectionKind.SparseSign, 512, 3))));
        Assert.That(policy.Estimator.Precision, Is.EqualTo(Precision.Float32));
        Assert.That(policy.Estimator.Seed, Is.EqualTo(7));
        Assert.That(policy.Rules.Mislabeled, Is.EqualTo(new CategoryRule(true, ThresholdKind.Quantile, 0.99)));
        Assert.That(policy.Rules.AdversarialLooking.Enabled, Is.False);
        Assert.That(policy.Rules.ConflictingDuplicates.Enabled, Is.False);
        Assert.That(policy.Rules.IsolatedInputs, Is.EqualTo(new IsolatedInputRule(false, 0.9)));
        Assert.That(policy.Rules.Budgets.PerSource, Is.EqualTo(new Budget(3, 0.1)));
        Assert.That(policy.Baseline, Is.EqualTo(Path.Combine(Dir, "smoothinfo.baseline.json")));
        Assert.That(policy.Reports.Formats, Is.EqualTo(new[] { ReportFormat.Html, ReportFormat.Markdown }));
    }

    [Test]
    public void UnknownKeySuggestsTheClosestKnownKeyAtItsLineAndColumn()
    {
        var e = SingleError(MinimalPolicy + "  lable_column: y\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyUnknownKey));
        Assert.That((e.Location!.Line, e.Location.Column), Is.EqualTo((5, 3)));
        Assert.That(e.Message, Does.Contain("unknown key 'lable_column' in 'dataset'").And.Contain("Did you mean 'labelColumn'?"));
    }

    [Test]
    public void UnknownKeyFarFromAnyKnownOneListsTheAllowedKeys()
    {
        var e = SingleError(MinimalPolicy + "frobnicate: 3\n");
        Assert.That(e.Message, Does.Not.Contain("Did you mean"));
        Assert.That(e.Fix, Does.Contain("dataset").And.Contain("estimator"));
    }

    [Test]
    public void WrongTypeSaysWhatIsExpected()
    {
        var e = SingleError(MinimalPolicy + "training:\n  learningRate: fast\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyWrongType));
        Assert.That((e.Location!.Line, e.Location.Column), Is.EqualTo((6, 17)));
        Assert.That(e.Message, Is.EqualTo("'training.learningRate' is the text 'fast'; a number is expected."));
    }

    [Test]
    public void QuotedNumberIsTextNotANumber()
    {
        var e = SingleError(MinimalPolicy + "estimator:\n  maxSamples: \"100\"\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyWrongType));
    }

    [TestCase("training:\n  learningRate: 0\n", "'training.learningRate' is 0; it must be greater than 0.")]
    [TestCase("estimator:\n  maxSamples: 0\n", "'estimator.maxSamples' is 0; it must be between 1 and 2147483647.")]
    [TestCase("rules:\n  budgets:\n    overall: { maxFraction: 1.5 }\n", "'rules.budgets.overall.maxFraction' is 1.5; it must be between 0 and 1.")]
    public void ValueOutOfRangeSaysTheAllowedRange(string section, string message)
    {
        var e = SingleError(MinimalPolicy + section);
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyValueOutOfRange));
        Assert.That(e.Message, Is.EqualTo(message));
    }

    [Test]
    public void EnumValueSuggestsTheClosestAllowedOne()
    {
        var e = SingleError(MinimalPolicy + "estimator:\n  device: cdua\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyInvalidValue));
        Assert.That(e.Message, Does.Contain("one of auto, cpu, cuda").And.Contain("Did you mean 'cuda'?"));
    }

    [TestCase("steps: 100", 100L)]
    [TestCase("steps: inf", null)]
    public void StepsIsACountOrInf(string line, long? expected) =>
        Assert.That(Load(MinimalPolicy + $"training:\n  {line}\n").Training.Steps, Is.EqualTo(expected));

    [Test]
    public void StepsThatIsNeitherCountNorInfSaysBoth()
    {
        var e = SingleError(MinimalPolicy + "training:\n  steps: forever\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyInvalidValue));
        Assert.That(e.Message, Does.Contain("an integer of at least 1 or 'inf'"));
    }

    [Test]
    public void MissingFileNamesTheKeyAndWherePathsAreResolved()
    {
        var e = SingleError("version: 1\ndataset:\n  format: csv\n  path: nowhere.csv\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyPathNotFound));
        Assert.That((e.Location!.Line, e.Location.Column), Is.EqualTo((4, 9)));
        Assert.That(e.Message, Does.Contain("'dataset.path' points to 'nowhere.csv'").And.Contain(Path.Combine(Dir, "nowhere.csv")));
        Assert.That(e.Fix, Does.Contain("relative to the folder of the policy file"));
    }

    [Test]
    public void PathsAreRelativeToThePolicyFileNotTheWorkingDirectory()
    {
        Directory.CreateDirectory(Path.Combine(Dir, "sub"));
        string policyFile = Path.Combine(Dir, "sub", "smoothinfo.yml");
        File.WriteAllText(policyFile, "version: 1\ndataset:\n  format: csv\n  path: ../train.csv\n");
        Assert.That(Loading.PolicyLoader.Load(policyFile).Dataset.Path, Is.EqualTo(Path.Combine(Dir, "train.csv")));
    }

    [Test]
    public void MissingRequiredKeysAreNamed()
    {
        var errors = Errors("version: 1\ndataset:\n  labelColumn: y\n");
        Assert.That(errors.Select(e => e.Code), Is.All.EqualTo(ErrorCodes.PolicyMissingKey));
        Assert.That(errors.Select(e => e.Message), Has.Some.Contains("needs the key 'format'").And.Some.Contains("needs the key 'path'"));
        Assert.That(errors[0].Location!.Line, Is.EqualTo(3));
    }

    [Test]
    public void AllErrorsOfAPolicyAreReportedTogetherInFileOrder()
    {
        var errors = Errors("version: 2\ndataset:\n  format: parquet\n  path: train.csv\n  colour: 3\ntraining:\n  weightDecay: -1\n");
        Assert.That(errors.Select(e => e.Code), Is.EqualTo(new[]
        {
            // weightDecay is a number or 'auto', so -1 is named against both forms (as linearize's 'all' or an integer)
            ErrorCodes.PolicyInvalidValue, ErrorCodes.PolicyInvalidValue, ErrorCodes.PolicyUnknownKey, ErrorCodes.PolicyInvalidValue,
        }));
        Assert.That(errors.Select(e => e.Location!.Line), Is.EqualTo(new[] { 1, 3, 5, 7 }));
        Assert.That(errors[3].Message, Does.Contain("'auto'"));
    }

    [Test]
    public void TheRemovedJitterKeyIsRefusedWithItsReason()
    {
        var e = SingleError(MinimalPolicy + "estimator:\n  kernel: { jitter: 1e-6 }\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyUnknownKey));
        Assert.That((e.Location!.Line, e.Location.Column), Is.EqualTo((6, 13)));
        Assert.That(e.Message, Does.Contain("'estimator.kernel.jitter' is no longer a policy key").And.Contain("training.weightDecay"));
        Assert.That(e.Fix, Is.EqualTo("remove it."));
    }

    [Test]
    public void YamlSyntaxErrorHasItsPosition()
    {
        var e = SingleError("version: 1\ndataset:\n  format: csv\n   path: \"train.csv\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicySyntax));
        Assert.That(e.Location!.Line, Is.GreaterThan(0));
        Assert.That(e.Message, Does.StartWith("the policy is not valid YAML"));
    }

    [Test]
    public void DuplicateKeyIsASyntaxErrorNotACrash()
    {
        var e = SingleError(MinimalPolicy + "  format: tsv\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicySyntax));
        Assert.That(e.Location!.Line, Is.EqualTo(5));
    }

    [Test]
    public void SecondYamlDocumentIsAnErrorNotIgnored()
    {
        var e = SingleError(MinimalPolicy + "---\nversion: 2\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicySyntax));
        Assert.That(e.Location!.Line, Is.EqualTo(6));
        Assert.That(e.Message, Does.Contain("more than one YAML document"));
    }

    [Test]
    public void MissingPolicyFile()
    {
        var e = Assert.Throws<PolicyValidationException>(() => Loading.PolicyLoader.Load(Path.Combine(Dir, "none.yml")))!.Errors.Single();
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyNotFound));
        Assert.That(e.Fix, Does.Contain("smoothinfo init"));
    }

    [TestCase("")]
    [TestCase("- a\n- b\n")]
    public void EmptyOrNonMappingPolicyIsAnError(string yaml)
    {
        var e = SingleError(yaml);
        Assert.That(e.Message, Does.Contain("empty").Or.Contain("a mapping of keys"));
    }

    [Test]
    public void IdxDatasetWithoutLabelsFileIsInconsistent()
    {
        var e = SingleError("version: 1\ndataset:\n  format: idx\n  path: train.csv\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyInconsistent));
        Assert.That(e.Location!.Line, Is.EqualTo(3));
        Assert.That(e.Message, Does.Contain("needs 'dataset.labels'"));
    }

    [Test]
    public void KeyForAnotherFormatIsInconsistentRatherThanSilentlyIgnored()
    {
        var e = SingleError(MinimalPolicy + "  labels: train.csv\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyInconsistent));
        Assert.That((e.Location!.Line, e.Location.Column), Is.EqualTo((5, 11)));
        Assert.That(e.Message, Is.EqualTo("'dataset.labels' applies only to idx, npy datasets; this one is 'csv', so it would be ignored."));
    }

    [Test]
    public void FunctionalSiScoreWithoutMeasuringItIsInconsistent()
    {
        var e = SingleError(MinimalPolicy + "estimator:\n  measures: [weight-si]\nrules:\n  score: functional-si\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyInconsistent));
        Assert.That((e.Location!.Line, e.Location.Column), Is.EqualTo((8, 10)));
        Assert.That(e.Message, Is.EqualTo("'rules.score' is functional-si, but 'estimator.measures' does not measure it."));
        Assert.That(e.Fix, Does.Contain("add functional-si to estimator.measures"));
    }

    [Test]
    public void QuantileThresholdOutsideZeroOneIsOutOfRange()
    {
        var e = SingleError(MinimalPolicy + "rules:\n  atypical:\n    kind: quantile\n    threshold: 3\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyValueOutOfRange));
        Assert.That((e.Location!.Line, e.Location.Column), Is.EqualTo((8, 16)));
    }

    [Test]
    public void InputOutlierThresholdMustBePositive()
    {
        var e = SingleError(MinimalPolicy + "rules:\n  inputOutliers: { threshold: -2 }\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyValueOutOfRange));
        Assert.That((e.Location!.Line, e.Location.Column), Is.EqualTo((6, 31)));
        Assert.That(e.Message, Does.Contain("must be positive"));
        Assert.That(e.Fix, Does.Contain("enabled: false"));
    }

    [TestCase("0")]
    [TestCase("1")]
    [TestCase("1.5")]
    public void IsolatedInputThresholdMustLieStrictlyBetweenZeroAndOne(string threshold)
    {
        var e = SingleError(MinimalPolicy + $"rules:\n  isolatedInputs: {{ threshold: {threshold} }}\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyValueOutOfRange));
        Assert.That((e.Location!.Line, e.Location.Column), Is.EqualTo((6, 32)));
        Assert.That(e.Message, Does.Contain("strictly between 0 and 1"));
        Assert.That(e.Fix, Does.Contain("'threshold'").And.Contain("enabled: false"));
    }

    [Test]
    public void ImageSizeNeedsTwoItems()
    {
        var e = SingleError(MinimalPolicy + "  preprocessing:\n    imageSize: [28]\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyValueOutOfRange));
        Assert.That(e.Message, Does.Contain("exactly 2"));
    }

    [Test]
    public void NullForAKeyThatNeedsAValue()
    {
        var e = SingleError(MinimalPolicy + "  labelColumn:\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyWrongType));
        Assert.That(e.Message, Does.Contain("has no value"));
    }
}
