using System.Globalization;
using System.Text;
using SmoothInfo.Data;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Cli.Commands;

/// <summary>
/// The commented smoothinfo.yml that `init` writes: the inferred dataset section, and every other
/// section at its default with a line on what it does (docs/policy.md has the full reference).
/// </summary>
internal static class StarterPolicy
{
    private const int DefaultBudget = 20000;

    /// <summary>Up to this many images the starter embeds them with the backbone: about 4 minutes the first time on 2 cores.</summary>
    public const int BackboneImages = 10000;

    /// <summary>Whether the starter embeds the images with the backbone (images, and few enough for a first run).</summary>
    public static bool EmbedsWithBackbone(InferredDataset inferred, Dataset dataset) => IsImages(inferred) && dataset.Count <= BackboneImages;

    private static bool IsImages(InferredDataset inferred) => inferred.Format is DatasetFormat.ImageFolder or DatasetFormat.ImageCsv or DatasetFormat.Idx;

    /// <param name="plan">The probe the planner accepts for this dataset (<see cref="StarterPlan"/>).</param>
    public static string Render(InferredDataset inferred, Dataset dataset, StarterPlan plan, string policyDirectory, string schemaFileName)
    {
        bool images = IsImages(inferred);
        // Pixel grids (images, or rows that are one) get the input rule; tables do not (see the rule's line below).
        bool pixels = images || dataset.SampleShape.Count >= 2;
        var text = new StringBuilder();
        text.AppendLine($"# yaml-language-server: $schema=./{schemaFileName}");
        text.AppendLine("# SmoothInfo policy: what the data-quality gate measures and when it fails the build.");
        text.AppendLine("# Written by `smoothinfo init`; every key is documented in docs/policy.md. Paths are relative to this file.");
        text.AppendLine("version: 1");
        text.AppendLine();
        text.AppendLine($"# Found: {dataset.Count.ToString("N0", CultureInfo.InvariantCulture)} samples, {dataset.ClassNames.Count} classes, sample shape [{string.Join(", ", dataset.SampleShape)}].");
        text.AppendLine("dataset:");
        text.AppendLine($"  format: {KebabCase.Of(inferred.Format)}");
        text.AppendLine($"  path: {Quote(Relative(inferred.Path, policyDirectory))}");
        if (inferred.Labels is { } labels) text.AppendLine($"  labels: {Quote(Relative(labels, policyDirectory))}");
        if (inferred.LabelColumn is { } label) text.AppendLine($"  labelColumn: {Quote(label)}");
        if (inferred.ImageColumn is { } image && inferred.Format == DatasetFormat.ImageCsv) text.AppendLine($"  imageColumn: {Quote(image)}");
        if (inferred.IdColumn is { } id) text.AppendLine($"  idColumn: {Quote(id)}              # shown in diagnostics");
        if (inferred.SourceColumn is { } source) text.AppendLine($"  sourceColumn: {Quote(source)}    # enables per-source budgets");
        if (inferred.Format is DatasetFormat.Csv or DatasetFormat.Tsv)
            text.AppendLine("  # featureColumns: [\"first..last\"]   # default: every column except label, id and source");
        text.AppendLine(ClassesLine(dataset.ClassNames));
        text.AppendLine("  preprocessing:");
        // Pixels keep their scale (the input rule measures distances in it, measured better there); tables are standardized.
        text.AppendLine($"    features: {(images ? "scale" : "standardize")}        # none | scale (each feature to [0, 1]) | standardize (mean 0, sd 1)");
        if (inferred.Format is DatasetFormat.ImageFolder or DatasetFormat.ImageCsv)
        {
            text.AppendLine($"    channels: {inferred.Channels}               # 1 grey, 3 colour");
            text.AppendLine(inferred.ImageSize is var (w, h)
                ? $"    imageSize: [{w}, {h}]        # the images differ in size; all are resized to this"
                : "    # imageSize: [28, 28]     # all images share one size; set this to resize them");
        }
        text.AppendLine();
        text.AppendLine("# The network whose training is measured. Without a model of your own: the Gaussian kernel, the NTK of an");
        text.AppendLine("# infinitely wide random-Fourier-feature network trained in its output layer (docs/kernels.md). With your trained");
        text.AppendLine("# network: probe: { kind: mlp, widths: [256] } (or cnn), weights: model.safetensors, linearize: 1.");
        if (plan.Note is not null) text.AppendLine($"# smoothinfo init: {plan.Note}.");
        text.AppendLine("model:");
        text.AppendLine($"  probe: {{ kind: {KebabCase.Of(plan.Probe)} }}");
        // Detection first: on planted Fashion-MNIST the pretrained features find poisons the pixel kernel misses (docs/kernels.md,
        // "Image backbones"), at about 40 images a second on 2 cores the first time; later runs embed only new images. Beyond
        // BackboneImages the first run would take longer than a build should, so it is offered instead, with its cost.
        if (EmbedsWithBackbone(inferred, dataset))
            text.AppendLine("  backbone: resnet18             # ImageNet ResNet-18 features instead of pixels (none: the pixels); cached by content");
        else if (images)
            text.AppendLine($"  # backbone: resnet18           # finds poisons better; the first run embeds ~40 images/s: about {Math.Ceiling(dataset.Count / 40.0 / 60)} min here");
        text.AppendLine();
        text.AppendLine("training:");
        text.AppendLine("  steps: inf                     # a number of steps, or inf: to convergence");
        text.AppendLine("  weightDecay: auto              # chosen by the exact leave-one-out error on a log-spaced grid; or a number");
        text.AppendLine();
        text.AppendLine("estimator:");
        text.AppendLine("  measures: [weight-si, functional-si]   # and/or loo-prediction");
        text.AppendLine("  sigma: 1                       # smoothing noise: SI = squared change / (2 sigma^2) nats");
        text.AppendLine("  device: auto                   # auto | cpu | cuda");
        text.AppendLine("  precision: float64             # float64 | float32");
        int budget = Math.Max(DefaultBudget, dataset.Count);
        text.AppendLine($"  maxSamples: {budget}{(budget > DefaultBudget ? "            # raised to the dataset's size; the kernel grows with its square" : "")}");
        text.AppendLine();
        text.AppendLine("# A sample is a finding when its score passes the threshold (kind: absolute nats | robust-z | quantile).");
        text.AppendLine("# 0.18 nats of label surprise = (1 - 0.4)^2 / 2: the model trained without the sample gives its label less than");
        text.AppendLine("# 0.4 on the one-hot scale; the same meaning on every dataset (measured across datasets: docs/rules-and-reports.md).");
        text.AppendLine("rules:");
        text.AppendLine("  score: label-surprise          # label-surprise | functional-si | weight-si");
        text.AppendLine("  mislabeled: { kind: absolute, threshold: 0.18 }");
        text.AppendLine("  corrupted: { kind: absolute, threshold: 0.18 }");
        text.AppendLine("  adversarialLooking: { kind: absolute, threshold: 0.18 }");
        text.AppendLine("  atypical: { enabled: false }");
        text.AppendLine(pixels
            ? "  inputOutliers: { threshold: 5 } # inputs far from the data's principal subspace are findings"
            : "  inputOutliers: { enabled: false } # in tables it flags natural outliers; the kernel's isolation sees corrupted rows");
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"  isolatedInputs: {{ threshold: {IsolatedInputRule.DefaultThreshold} }}  # inputs no other sample explains (isolation 0 to 1) are corrupted"));
        text.AppendLine("  budgets:");
        text.AppendLine("    overall: { maxCount: 0 }      # any finding not in the baseline fails the build");
        text.AppendLine();
        // Named from the start so that the README's next step, `smoothinfo baseline --policy ...`, has somewhere to write.
        text.AppendLine("baseline: smoothinfo.baseline.json   # accepted findings (written by `smoothinfo baseline`), matched by content hash");
        text.AppendLine();
        text.AppendLine("reports:");
        text.AppendLine("  directory: artifacts/smoothinfo");
        text.AppendLine("  formats: [json, sarif, markdown]");
        return text.ToString();
    }

    /// <summary>Text class names are written out so a typo in a label becomes an error; numbered classes need no list.</summary>
    private static string ClassesLine(IReadOnlyList<string> classes)
    {
        bool numbered = classes.Select((name, i) => name == i.ToString(CultureInfo.InvariantCulture)).All(b => b);
        string list = $"[{string.Join(", ", classes.Select(Quote))}]";
        return numbered ? $"  # classes: {list}   # names for labels 0..{classes.Count - 1}, in order" : $"  classes: {list}";
    }

    private static string Relative(string path, string directory) => Path.GetRelativePath(directory, path).Replace('\\', '/');

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
