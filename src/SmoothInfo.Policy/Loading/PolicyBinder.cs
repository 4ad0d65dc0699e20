using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;
using YamlDotNet.RepresentationModel;

namespace SmoothInfo.Policy.Loading;

/// <summary>
/// Turns a schema-valid policy into the model, then checks what one key alone cannot say (an IDX
/// dataset needs a labels file, a quantile threshold lies in (0, 1)). Reads every key of the schema,
/// present or not, so defaults always come from the schema.
/// </summary>
internal static class PolicyBinder
{
    public static (SmoothInfoPolicy Policy, IReadOnlyList<InputException> Errors) Bind(YamlMappingNode root, string policyFile, BindingTrace trace)
    {
        var top = new PolicySection(root, PolicySchema.Root, "", policyFile, trace);
        var errors = new List<InputException>();
        var policy = new SmoothInfoPolicy(
            PolicyFile: Path.GetFullPath(policyFile),
            Version: (int)top.Integer("version"),
            Dataset: BindDataset(top.Section("dataset"), "dataset", errors),
            Model: BindModel(top.Section("model")),
            Training: BindTraining(top.Section("training")),
            Estimator: BindEstimator(top.Section("estimator"), errors),
            Rules: BindRules(top.Section("rules"), errors),
            Baseline: top.Path("baseline"),
            Reports: BindReports(top.Section("reports")))
        {
            Locations = KeyLocationReader.Read(root, policyFile),
        };
        if (top.IsWritten("heldOut")) policy = policy with { HeldOut = BindHeldOut(top.Section("heldOut"), policy.Dataset, errors) };
        if (policy.Rules.Score == ScoreSignal.FunctionalSi && !policy.Estimator.Measures.Contains(Measure.FunctionalSi))
            errors.Add(new InputException(ErrorCodes.PolicyInconsistent,
                "'rules.score' is functional-si, but 'estimator.measures' does not measure it.",
                "add functional-si to estimator.measures, or choose another rules.score.", top.Section("rules").Locate("score")));
        if (policy.HeldOut is not null && !policy.Estimator.Measures.Contains(Measure.FunctionalSi))
            errors.Add(new InputException(ErrorCodes.PolicyInconsistent,
                "'heldOut' is the set functional-si is measured on, but 'estimator.measures' does not measure it, so it would be read for nothing.",
                "add functional-si to estimator.measures, or remove 'heldOut'.", top.Locate("heldOut")));
        CheckFeatureProbes(policy, top, errors);
        CheckSgdNoise(policy, top, errors);
        return (policy, errors);
    }

    /// <summary>
    /// The gaussian and linear probes have no weights to load and run to convergence with a positive weight decay (the
    /// gaussian kernel matrix, or Phi^T Phi of the linear head, can be singular). Automatic weight decay is chosen among
    /// converged runs only. A backbone feeds one of these probes; the resnet18 backbone takes images only.
    /// </summary>
    private static void CheckFeatureProbes(SmoothInfoPolicy policy, PolicySection top, List<InputException> errors)
    {
        var model = top.Section("model");
        var training = top.Section("training");
        var kind = policy.Model.Probe.Kind;
        bool featureProbe = kind is ProbeKind.Gaussian or ProbeKind.Linear;
        string backbone = policy.Model.BackboneName;
        if (!featureProbe && policy.Model.HasBackbone)
            errors.Add(new InputException(ErrorCodes.PolicyInconsistent,
                $"'model.backbone: {backbone}' feeds its features to the gaussian or linear probe; the {KebabCase.Of(kind)} probe is a network that takes the inputs.",
                "use 'model.probe.kind: gaussian' (or 'linear') with the backbone, or remove 'model.backbone'.", model.Locate("backbone")));
        if (policy.Model.Backbone != Backbone.None && policy.Dataset.Format is DatasetFormat.Csv or DatasetFormat.Tsv)
            errors.Add(new InputException(ErrorCodes.PolicyInconsistent,
                $"'model.backbone: {backbone}' is an image network, but a {KebabCase.Of(policy.Dataset.Format)} dataset holds table rows.",
                "remove 'model.backbone' for tabular data, or store the images as image-folder, image-csv, idx or npy [n, h, w] / [n, c, h, w].", model.Locate("backbone")));
        if (policy.Training.WeightDecay is null && policy.Training.Steps is not null)
            errors.Add(new InputException(ErrorCodes.PolicyInconsistent,
                "'training.weightDecay: auto' is chosen among converged runs (steps: inf) only.",
                "set 'training.weightDecay' to a number, or 'training.steps: inf'.", training.Locate("weightDecay")));
        if (!featureProbe) return;
        string probe = $"the {KebabCase.Of(kind)} probe";
        string matrix = kind == ProbeKind.Gaussian ? "its kernel matrix" : "Phi^T Phi of its features";
        if (policy.Model.Weights is not null)
            errors.Add(new InputException(ErrorCodes.PolicyInconsistent,
                $"{probe} has no weights to load, so 'model.weights' would be ignored.",
                "remove 'model.weights', or describe your network with 'model.probe.kind: mlp' or 'cnn'.", model.Locate("weights")));
        if (policy.Training.Steps is not null)
            errors.Add(new InputException(ErrorCodes.PolicyInconsistent,
                $"{probe} is measured at convergence only.", "set 'training.steps: inf'.", training.Locate("steps")));
        if (policy.Training.WeightDecay is 0)
            errors.Add(new InputException(ErrorCodes.PolicyInconsistent,
                $"{probe} needs a positive weight decay: {matrix} can be singular.",
                "set 'training.weightDecay' to a positive number or 'auto'.", training.Locate("weightDecay")));
    }

    /// <param name="name">The section's key (dataset or heldOut): both have the same keys, and errors name the one written.</param>
    private static DatasetPolicy BindDataset(PolicySection s, string name, List<InputException> errors)
    {
        var format = s.Enum<DatasetFormat>("format");
        var dataset = new DatasetPolicy(
            format, s.Path("path")!, s.Path("labels"), s.RequiredString("labelColumn"), s.Strings("featureColumns"),
            s.String("idColumn"), s.String("sourceColumn"), s.RequiredString("imageColumn"), s.Strings("classes"),
            BindPreprocessing(s.Section("preprocessing"))) { Section = name };
        if (format is DatasetFormat.Idx or DatasetFormat.Npy && dataset.Labels is null)
            errors.Add(new InputException(ErrorCodes.PolicyInconsistent,
                $"a dataset of format '{KebabCase.Of(format)}' needs '{name}.labels', the file with one label per sample.",
                format == DatasetFormat.Idx ? $"add e.g. 'labels: train-labels-idx1-ubyte.gz' under '{name}'." : $"add e.g. 'labels: labels.npy' under '{name}'.",
                s.Locate("format")));
        foreach (var (key, formats) in FormatSpecificKeys)
        {
            if (s.IsWritten(key) && !formats.Contains(format))
                errors.Add(new InputException(ErrorCodes.PolicyInconsistent,
                    $"'{name}.{key}' applies only to {string.Join(", ", formats.Select(KebabCase.Of))} datasets; this one is '{KebabCase.Of(format)}', so it would be ignored.",
                    $"remove '{key}', or change '{name}.format'.", s.Locate(key)));
        }
        if (dataset.Classes.Distinct(StringComparer.Ordinal).Count() != dataset.Classes.Count)
            errors.Add(new InputException(ErrorCodes.PolicyInconsistent, $"'{name}.classes' names a class twice.",
                "list each class name once, in label order.", s.Locate("classes")));
        return dataset;
    }

    /// <summary>
    /// The held-out set is measured through the model trained on the dataset, so it takes the dataset's preprocessing
    /// (its statistics are fitted on the training data when the data is read): a key left out follows the dataset's, a
    /// key written differently would be ignored and is an error. Declared classes must be the dataset's, in its order.
    /// </summary>
    private static DatasetPolicy BindHeldOut(PolicySection s, DatasetPolicy dataset, List<InputException> errors)
    {
        var heldOut = BindDataset(s, "heldOut", errors);
        var preprocessing = s.Section("preprocessing");
        var written = heldOut.Preprocessing;
        foreach (var (key, differs, value) in new (string, bool, string)[]
        {
            ("features", written.Features != dataset.Preprocessing.Features, KebabCase.Of(dataset.Preprocessing.Features)),
            ("imageSize", written.ImageSize != dataset.Preprocessing.ImageSize,
                dataset.Preprocessing.ImageSize is { } size ? $"[{size.Width}, {size.Height}]" : "null"),
            ("channels", written.Channels != dataset.Preprocessing.Channels, dataset.Preprocessing.Channels.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        })
        {
            if (preprocessing.IsWritten(key) && differs)
                errors.Add(new InputException(ErrorCodes.PolicyInconsistent,
                    $"'heldOut.preprocessing.{key}' differs from 'dataset.preprocessing.{key}' ({value}); the held-out samples go through the model trained on the dataset, so they are preprocessed as the dataset is.",
                    $"remove 'heldOut.preprocessing.{key}' (it follows the dataset's), or set it to {value}.", preprocessing.Locate(key)));
        }
        if (heldOut.Classes.Count > 0 && dataset.Classes.Count > 0 && !heldOut.Classes.SequenceEqual(dataset.Classes, StringComparer.Ordinal))
            errors.Add(new InputException(ErrorCodes.PolicyInconsistent,
                "'heldOut.classes' differs from 'dataset.classes'; the held-out samples are labelled with the training data's classes.",
                "remove 'heldOut.classes' (the dataset's apply), or list the same classes in the same order.", s.Locate("classes")));
        return heldOut with { Preprocessing = dataset.Preprocessing };
    }

    /// <summary>Dataset keys that mean something for some formats only: written for another, they signal a mistake.</summary>
    private static readonly (string Key, DatasetFormat[] Formats)[] FormatSpecificKeys =
    {
        ("labels", new[] { DatasetFormat.Idx, DatasetFormat.Npy }),
        ("labelColumn", new[] { DatasetFormat.Csv, DatasetFormat.Tsv, DatasetFormat.ImageCsv }),
        ("featureColumns", new[] { DatasetFormat.Csv, DatasetFormat.Tsv }),
        ("idColumn", new[] { DatasetFormat.Csv, DatasetFormat.Tsv, DatasetFormat.ImageCsv }),
        ("sourceColumn", new[] { DatasetFormat.Csv, DatasetFormat.Tsv, DatasetFormat.ImageCsv }),
        ("imageColumn", new[] { DatasetFormat.ImageCsv }),
    };

    private static PreprocessingPolicy BindPreprocessing(PolicySection s)
    {
        var size = s.Integers("imageSize");
        return new PreprocessingPolicy(s.Enum<FeatureScaling>("features"), size.Count == 2 ? (size[0], size[1]) : null, (int)s.Integer("channels"));
    }

    /// <summary>
    /// weight-si-sgd smooths the converged weights with the stationary covariance of SGD noise (Lyapunov equation with
    /// H = J^T J + lambda I): it needs the training's batch size, t = infinity, a positive weight decay, and a network with
    /// linearized weights (the gaussian probe has none).
    /// </summary>
    private static void CheckSgdNoise(SmoothInfoPolicy policy, PolicySection top, List<InputException> errors)
    {
        var estimator = top.Section("estimator");
        var training = top.Section("training");
        if (!policy.Estimator.Measures.Contains(Measure.WeightSiSgd)) return;
        const string Measured = "'estimator.measures' has weight-si-sgd";
        if (policy.Estimator.Sgd.BatchSize is null)
            errors.Add(new InputException(ErrorCodes.PolicyMissingKey,
                $"{Measured}, the weight SI smoothed by SGD noise, whose scale is training.learningRate / batch size; the batch size is not given.",
                "add 'sgd: { batchSize: N }' under 'estimator' with your training's mini-batch size, or remove weight-si-sgd.", estimator.Locate("sgd")));
        if (policy.Training.Steps is not null)
            errors.Add(new InputException(ErrorCodes.PolicyInconsistent,
                $"{Measured}, whose stationary SGD noise is computed at convergence only (steps: inf).",
                "set 'training.steps: inf', or remove weight-si-sgd from 'estimator.measures'.", training.Locate("steps")));
        if (policy.Training.WeightDecay is 0)
            errors.Add(new InputException(ErrorCodes.PolicyInconsistent,
                $"{Measured}, which needs a positive weight decay: without it the Hessian J^T J + lambda I is singular and SGD noise has no stationary covariance.",
                "set 'training.weightDecay' to a positive number or 'auto', or remove weight-si-sgd from 'estimator.measures'.", training.Locate("weightDecay")));
        if (policy.Model.Probe.Kind is ProbeKind.Gaussian or ProbeKind.Linear)
            errors.Add(new InputException(ErrorCodes.PolicyInconsistent,
                policy.Model.Probe.Kind == ProbeKind.Gaussian
                    ? $"{Measured}, which smooths a network's weights; the gaussian probe is a kernel without a weight vector."
                    : $"{Measured}, which is not measured for the linear probe yet (it runs on the streamed feature-space route).",
                "use 'model.probe.kind: mlp' or 'cnn', or remove weight-si-sgd from 'estimator.measures'.", top.Section("model").Section("probe").Locate("kind")));
    }

    private static ModelPolicy BindModel(PolicySection s)
    {
        var probe = s.Section("probe");
        string? linearize = s.String("linearize");
        var onnx = s.ObjectBranch("backbone");
        var (onnxPath, output, input) = (onnx.Path("onnx"), onnx.String("output"), onnx.String("input"));
        var onnxBackbone = onnxPath is null ? null : new OnnxBackbonePolicy(onnxPath, output!, input);
        return new ModelPolicy(
            new ProbePolicy(probe.Enum<ProbeKind>("kind"), probe.Integers("widths"), probe.Enum<Activation>("activation"),
                probe.Integers("channels"), (int)probe.Integer("kernelSize")),
            s.Path("weights"),
            s.Enum<WeightsFormat>("weightsFormat"),
            linearize == "all" ? null : int.Parse(linearize!, System.Globalization.CultureInfo.InvariantCulture),
            onnxBackbone is null ? s.Enum<Backbone>("backbone") : Backbone.None, s.Locate("backbone"), onnxBackbone);
    }

    private static TrainingPolicy BindTraining(PolicySection s) => new(
        s.Number("learningRate"),
        s.String("steps") == "inf" ? null : s.Integer("steps"),
        s.String("weightDecay") == "auto" ? null : s.Number("weightDecay"),
        s.Enum<TrainingDynamics>("dynamics"),
        s.Enum<LossReduction>("loss"));

    private static EstimatorPolicy BindEstimator(PolicySection s, List<InputException> errors)
    {
        var kernel = s.Section("kernel");
        var projection = kernel.Section("projection");
        return new EstimatorPolicy(
            s.Enums<Measure>("measures"), s.Number("sigma"),
            new KernelPolicy((int)kernel.Integer("blockSize"), new ProjectionPolicy(
                projection.Enum<JacobianProjectionKind>("kind"), projection.Integer("dimension"), projection.NullableNumber("sparsity"))),
            s.Enum<ComputeDevice>("device"), s.Enum<Precision>("precision"),
            (int)Math.Min(s.Integer("maxSamples"), int.MaxValue), s.Integer("seed"))
        {
            Sgd = new SgdPolicy((int?)s.Section("sgd").NullableInteger("batchSize")),
            MemoryBudget = BindMemoryBudget(s, errors),
        };
    }

    private static MemoryBudget BindMemoryBudget(PolicySection s, List<InputException> errors)
    {
        string text = s.RequiredString("memoryBudget");
        if (MemoryBudget.Parse(text) is { } budget) return budget;
        errors.Add(new InputException(ErrorCodes.PolicyInvalidValue,
            $"'estimator.memoryBudget' is '{text}'; a size such as 4GB or 512MB, or a share of the available memory such as 50%, is expected.",
            "write e.g. 'memoryBudget: 4GB' (units B, KB, MB, GB, TB; 1 GB = 2^30 bytes) or 'memoryBudget: 50%' (more than 0, at most 100).",
            s.Locate("memoryBudget")));
        return MemoryBudget.Default;
    }

    private static RulesPolicy BindRules(PolicySection s, List<InputException> errors)
    {
        var budgets = s.Section("budgets");
        return new RulesPolicy(s.Enum<ScoreSignal>("score"),
            BindCategory(s.Section("mislabeled"), errors), BindCategory(s.Section("corrupted"), errors),
            BindCategory(s.Section("adversarialLooking"), errors), BindCategory(s.Section("atypical"), errors),
            BindInputOutliers(s.Section("inputOutliers"), errors),
            new BudgetsPolicy(BindBudget(budgets.Section("overall")), BindBudget(budgets.Section("perClass")), BindBudget(budgets.Section("perSource"))),
            s.Enum<UnchangedSamples>("unchangedSamples"))
        {
            ConflictingDuplicates = new ConflictingDuplicatesRule(s.Section("conflictingDuplicates").Boolean("enabled")),
            IsolatedInputs = BindIsolatedInputs(s.Section("isolatedInputs"), errors),
        };
    }

    private static CategoryRule BindCategory(PolicySection s, List<InputException> errors)
    {
        var rule = new CategoryRule(s.Boolean("enabled"), s.Enum<ThresholdKind>("kind"), s.Number("threshold"));
        string? problem = rule.Kind switch
        {
            ThresholdKind.Quantile when rule.Threshold is <= 0 or >= 1 => "a quantile threshold must lie strictly between 0 and 1",
            ThresholdKind.Absolute when rule.Threshold < 0 => "an absolute threshold is in nats and cannot be negative",
            _ => null,
        };
        if (problem is not null)
            errors.Add(new InputException(ErrorCodes.PolicyValueOutOfRange, $"the threshold is {rule.Threshold}; {problem}.",
                "change 'threshold', or 'kind' (absolute: nats; robust-z: z-score; quantile: 0 to 1).", s.Locate("threshold")));
        return rule;
    }

    private static InputOutlierRule BindInputOutliers(PolicySection s, List<InputException> errors)
    {
        var rule = new InputOutlierRule(s.Boolean("enabled"), s.Number("threshold"));
        if (rule.Threshold <= 0)
            errors.Add(new InputException(ErrorCodes.PolicyValueOutOfRange, $"the threshold is {rule.Threshold}; it is a robust z-score and must be positive.",
                "set 'threshold' to a positive z-score (the default is 5; docs/rules-and-reports.md says why), or 'enabled: false'.",
                s.Locate("threshold")));
        return rule;
    }

    private static IsolatedInputRule BindIsolatedInputs(PolicySection s, List<InputException> errors)
    {
        var rule = new IsolatedInputRule(s.Boolean("enabled"), s.Number("threshold"));
        if (rule.Threshold is <= 0 or >= 1)
            errors.Add(new InputException(ErrorCodes.PolicyValueOutOfRange,
                $"the threshold is {rule.Threshold}; it is the share of the kernel's variance at an input that the other samples leave unexplained, and must lie strictly between 0 and 1.",
                $"set 'threshold' between 0 and 1 (the default is {IsolatedInputRule.DefaultThreshold}; docs/rules-and-reports.md says why), or 'enabled: false'.",
                s.Locate("threshold")));
        return rule;
    }

    private static Budget BindBudget(PolicySection s) => new(s.NullableInteger("maxCount"), s.NullableNumber("maxFraction"));

    private static ReportsPolicy BindReports(PolicySection s) => new(s.Path("directory")!, s.Enums<ReportFormat>("formats"));
}
