using SmoothInfo.Data;
using SmoothInfo.Estimation;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reports;
using SmoothInfo.Rules;

namespace SmoothInfo.Tests.Rules;

/// <summary>Small datasets and signals for rule and report tests.</summary>
internal static class RuleFixtures
{
    public static readonly CategoryRule RobustZ35 = new(true, ThresholdKind.RobustZ, 3.5);
    public static readonly Budget Unset = new(null, null);

    public static readonly InputOutlierRule InputZ5 = new(true, 5);

    public static RulesPolicy RulesWith(Budget? overall = null, Budget? perClass = null, Budget? perSource = null, CategoryRule? atypical = null,
        InputOutlierRule? inputOutliers = null) =>
        new(ScoreSignal.FunctionalSi, RobustZ35, RobustZ35, RobustZ35, atypical ?? RobustZ35, inputOutliers ?? InputZ5,
            new BudgetsPolicy(overall ?? Unset, perClass ?? Unset, perSource ?? Unset));

    /// <summary>n samples in 3 classes, from two sources; every sample's features differ, so every hash does.</summary>
    public static Dataset TinyDataset(int n)
    {
        var builder = new DatasetBuilder("data.csv", new[] { 2 }, maxSamples: 1000);
        for (int i = 0; i < n; i++)
            builder.Add(new float[] { i, i * 0.5f }, (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture),
                SampleLocator.AtLine("data.csv", i + 2), source: i < n / 2 ? "crawl" : "vendor");
        return BuildUnscaled(builder);
    }

    /// <summary>The builder's dataset with classes inferred and no scaling, as a policy with only a path would read it.</summary>
    public static Dataset BuildUnscaled(DatasetBuilder builder) => builder.Build(new DatasetPolicy(DatasetFormat.Csv, "data.csv", null, "label",
        Array.Empty<string>(), null, null, "file", Array.Empty<string>(), new PreprocessingPolicy(FeatureScaling.None, null, 3)), training: null);

    /// <summary>Typical samples: LOO agrees with the label, score around 1 with a little spread.</summary>
    public static List<SampleSignals> TypicalSignals(Dataset data) =>
        Enumerable.Range(0, data.Count).Select(i => SignalsOf(i, data.Labels[i], 1 + 0.01 * (i % 7), looClass: data.Labels[i], looScore: 0.9)).ToList();

    public static SampleSignals SignalsOf(int index, int label, double score, int looClass, double looScore)
    {
        var prediction = new double[3];
        prediction[looClass] = looScore;
        return new SampleSignals(index, label, WeightSI: score / 2, FunctionalSI: score, prediction);
    }

    /// <summary>The rules applied and everything a report shows, as if the data lived in root/data/train.csv.</summary>
    public static GateReport ReportOf(string root, Dataset data, List<SampleSignals> signals, Baseline baseline, RulesPolicy? rules = null)
    {
        var evaluation = RuleEngine.Evaluate(signals, SampleCatalog.Of(data), rules ?? RulesWith(), baseline);
        var locators = data.Samples.Select(s => s.Locator with { File = Path.Combine(root, "data", "train.csv") }).ToList();
        return new GateReport("1.0.0", Path.Combine(root, "smoothinfo.yml"), Path.Combine(root, "data", "train.csv"),
            data.ClassNames, locators, data.Samples.Select(s => s.ContentHash).ToList(), data.Samples.Select(s => s.Source).ToList(),
            signals, "F-SI", 1.0, new SolverReport("closed-form", "t = infinity", 12.5, "float64"),
            evaluation with { Findings = evaluation.Findings.Select(f => f with { Locator = locators[f.SampleIndex] }).ToList() },
            GroupSummary.Of(signals, data.ClassNames, data.Samples.Select(s => s.Source).ToList(), evaluation.Findings));
    }
}
