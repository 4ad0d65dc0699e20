using System.CommandLine;
using System.Globalization;
using SmoothInfo.Data;
using SmoothInfo.Diagnostics;
using SmoothInfo.IO;
using SmoothInfo.Planning;
using SmoothInfo.Policy.Loading;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Cli.Commands;

/// <summary>
/// `smoothinfo init --dataset &lt;path&gt; [--out smoothinfo.yml] [--force]`: infers the dataset's format,
/// label column and classes, reads it once (so bad data is reported now, not at the first build), and
/// writes a commented starter policy plus the JSON Schema beside it for editors.
/// </summary>
public static class InitCommand
{
    public const string SchemaFileName = "smoothinfo.schema.json";

    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "The training data: a CSV/TSV file, IDX images file, .npy array, or a folder with one sub-folder of images per class.", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the policy.", DefaultValueFactory = _ => "smoothinfo.yml" };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing policy." };
        var command = new Command("init", "Write a starter policy (smoothinfo.yml) for a dataset.") { dataset, output, force };
        command.SetAction(result => Run(result.GetValue(dataset)!, result.GetValue(output)!, result.GetValue(force),
            result.InvocationConfiguration.Output));
        return command;
    }

    // Input errors propagate to SmoothInfoApp, which prints them and exits 2 like every other command.
    public static int Run(string datasetPath, string outPath, bool force, TextWriter stdout)
    {
        string policyFile = Path.GetFullPath(outPath);
        if (File.Exists(policyFile) && !force)
            throw new InputException(ErrorCodes.PolicyExists, "a policy already exists here; init does not overwrite it.",
                "pass --force to replace it, or --out to write elsewhere.", new SourceLocation(policyFile));
        var inferred = DatasetInference.Infer(datasetPath);
        var data = DatasetReader.Read(ToPolicy(inferred), int.MaxValue);
        var plan = StarterPlan.For(data, StarterPolicy.EmbedsWithBackbone(inferred, data), PlanBudget.Of(MemoryBudget.Default, new SourceLocation(policyFile)));
        string text = StarterPolicy.Render(inferred, data, plan, Path.GetDirectoryName(policyFile)!, SchemaFileName);
        PolicyLoader.Load(policyFile, text); // a starter policy that does not load is our bug; find it before writing
        AtomicFile.WriteAllText(Path.Combine(Path.GetDirectoryName(policyFile)!, SchemaFileName), PolicySchema.Text());
        AtomicFile.WriteAllText(policyFile, text);
        stdout.WriteLine($"wrote {outPath}: {KebabCase.Of(inferred.Format)} dataset, {data.Count.ToString("N0", CultureInfo.InvariantCulture)} samples, " +
            $"{data.ClassNames.Count} classes; the planner's route: {RouteNames.Of(plan.Plan.Route)}, about {MemoryBudget.FormatBytes(plan.Plan.Chosen.PeakBytes)} at its peak." +
            (plan.Note is null ? "" : $" Note: {plan.Note}.") + " Review it, then run `smoothinfo check`.");
        return 0;
    }

    /// <summary>The dataset section as the inferred policy will state it, to read the data with the same settings.</summary>
    private static DatasetPolicy ToPolicy(InferredDataset inferred) => new(
        inferred.Format, inferred.Path, inferred.Labels, inferred.LabelColumn ?? "label", Array.Empty<string>(),
        inferred.IdColumn, inferred.SourceColumn, inferred.ImageColumn ?? "file", Array.Empty<string>(),
        new PreprocessingPolicy(FeatureScaling.None, inferred.ImageSize, inferred.Channels));
}
