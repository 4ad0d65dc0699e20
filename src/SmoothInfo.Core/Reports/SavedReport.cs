using System.Text.Json;
using SmoothInfo.Data;
using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Results;
using SmoothInfo.Rules;

namespace SmoothInfo.Reports;

/// <summary>
/// A smoothinfo-report.json read back: the estimator's output and what the rules need about each sample, without
/// the verdict (which `smoothinfo report` recomputes from the current policy's rules and baseline).
/// </summary>
public sealed record SavedReport(
    string ToolVersion,
    string PolicyFile,
    string DatasetPath,
    double Sigma,
    SampleCatalog Samples,
    EstimatorOutput Output,
    IReadOnlyDictionary<int, string> Thumbnails)
{
    private const string Fix = "run `smoothinfo check` to measure the data again and write a new report.";

    public static SavedReport Read(string path)
    {
        if (!File.Exists(path))
            throw new InputException(ErrorCodes.ReportNotFound, "there is no saved report here.",
                "run `smoothinfo check` first with 'json' in the policy's reports.formats, or pass --from with the report's path.",
                new SourceLocation(path));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InputException(ErrorCodes.ReportMalformed, $"the saved report is not valid JSON: {e.Message}", Fix,
                e.LineNumber is { } line ? new SourceLocation(path, (int)line + 1, (int)(e.BytePositionInLine ?? 0) + 1) : new SourceLocation(path));
        }
        using (document)
        {
            try
            {
                return new Reader(path).Report(document.RootElement);
            }
            catch (InvalidOperationException e)
            {
                // JsonDocument checks a string's UTF-8 only when it is decoded (found by the fuzzer, docs/robustness.md).
                throw new InputException(ErrorCodes.ReportMalformed, $"the saved report holds text that is not valid UTF-8 ({e.Message})", Fix, new SourceLocation(path));
            }
        }
    }

    /// <summary>Reads the members JsonReport writes; names the JSON path of the first one that is missing or of the wrong kind.</summary>
    private sealed class Reader(string path)
    {
        public SavedReport Report(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object) throw Error("$", "is not an object");
            int version = Int(root, "schemaVersion", "$");
            if (version != JsonReport.SchemaVersion)
                throw Error("$.schemaVersion", $"is {version}; this smoothinfo reads version {JsonReport.SchemaVersion}");
            string tool = String(root, "tool", "$");
            var classes = Array(root, "classes", "$").Select((c, i) => c.ValueKind == JsonValueKind.String ? c.GetString()! : throw Error($"$.classes[{i}]", "is not a string")).ToList();
            var solver = Member(root, "solver", "$", JsonValueKind.Object);
            var condition = Member(solver, "conditionNumber", "$.solver", JsonValueKind.Number, JsonValueKind.Null);
            var solverReport = EstimatorOutputJson.WithMeasurements(new SolverReport(String(solver, "method", "$.solver"), String(solver, "reason", "$.solver"),
                condition.ValueKind == JsonValueKind.Null ? null : condition.GetDouble(), String(solver, "precision", "$.solver"),
                EstimatorOutputJson.ReadRegularization(solver)), solver);

            var samples = Array(root, "samples", "$");
            if (samples.Count == 0) throw Error("$.samples", "is empty");
            var locators = new List<SampleLocator>(samples.Count);
            var hashes = new List<string>(samples.Count);
            var sources = new List<string?>(samples.Count);
            var signals = new List<SampleSignals>(samples.Count);
            var thumbnails = new Dictionary<int, string>();
            for (int i = 0; i < samples.Count; i++)
            {
                var s = samples[i];
                string at = $"$.samples[{i}]";
                if (s.ValueKind != JsonValueKind.Object) throw Error(at, "is not an object");
                if (Int(s, "index", at) != i) throw Error(at + ".index", $"is not {i}; samples must be in index order");
                string label = String(s, "label", at);
                int labelIndex = classes.IndexOf(label);
                if (labelIndex < 0) throw Error(at + ".label", $"'{label}' is not one of the report's classes");
                var loo = Array(s, "looPrediction", at).Select((v, c) => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Error($"{at}.looPrediction[{c}]", "is not a number")).ToArray();
                if (loo.Length != classes.Count) throw Error(at + ".looPrediction", $"has {loo.Length} values for {classes.Count} classes");
                var functional = Member(s, "functionalSI", at, JsonValueKind.Number, JsonValueKind.Null);
                // inputResidual is absent from reports written before it was measured: the input rule then flags nothing.
                var residual = s.TryGetProperty("inputResidual", out _) ? Member(s, "inputResidual", at, JsonValueKind.Number, JsonValueKind.Null) : default;
                signals.Add(new SampleSignals(i, labelIndex, Member(s, "weightSI", at, JsonValueKind.Number).GetDouble(),
                    functional.ValueKind == JsonValueKind.Null ? double.NaN : functional.GetDouble(), loo)
                {
                    InputResidual = residual.ValueKind == JsonValueKind.Number ? residual.GetDouble() : double.NaN,
                    WeightSISgd = EstimatorOutputJson.ReadWeightSISgd(s),
                    Isolation = EstimatorOutputJson.ReadIsolation(s),
                    DuplicateGroup = DuplicateGroup(s, at, samples.Count),
                });
                locators.Add(new SampleLocator(String(s, "file", at),
                    s.TryGetProperty("line", out var line) ? Int(s, "line", at) : 0,
                    s.TryGetProperty("recordIndex", out _) ? Member(s, "recordIndex", at, JsonValueKind.Number).GetInt64() : -1));
                hashes.Add(String(s, "contentHash", at));
                sources.Add(s.TryGetProperty("source", out _) ? String(s, "source", at) : null);
                if (s.TryGetProperty("thumbnail", out _)) thumbnails[i] = String(s, "thumbnail", at);
            }
            int count = Int(root, "sampleCount", "$");
            if (count != samples.Count) throw Error("$.sampleCount", $"is {count} but the report lists {samples.Count} samples");
            return new SavedReport(tool.StartsWith("smoothinfo ", StringComparison.Ordinal) ? tool["smoothinfo ".Length..] : tool,
                String(root, "policy", "$"), String(root, "dataset", "$"),
                Member(root, "sigma", "$", JsonValueKind.Number).GetDouble(),
                new SampleCatalog(classes, locators, hashes, sources), new EstimatorOutput(signals, solverReport), thumbnails);
        }

        /// <summary>Absent: no duplicate, or a report written before duplicates were looked for.</summary>
        private int? DuplicateGroup(JsonElement sample, string at, int count)
        {
            if (!sample.TryGetProperty("duplicateGroup", out _)) return null;
            int group = Int(sample, "duplicateGroup", at);
            return group >= 0 && group < count ? group : throw Error(at + ".duplicateGroup", $"is {group}, not the index of a sample");
        }

        private JsonElement Member(JsonElement parent, string name, string at, params JsonValueKind[] kinds)
        {
            if (!parent.TryGetProperty(name, out var value)) throw Error($"{at}.{name}", "is missing");
            if (!kinds.Contains(value.ValueKind))
                throw Error($"{at}.{name}", $"is {value.ValueKind.ToString().ToLowerInvariant()}, expected {string.Join(" or ", kinds.Select(k => k.ToString().ToLowerInvariant()))}");
            return value;
        }

        private string String(JsonElement parent, string name, string at) => Member(parent, name, at, JsonValueKind.String).GetString()!;

        private int Int(JsonElement parent, string name, string at) =>
            Member(parent, name, at, JsonValueKind.Number).TryGetInt32(out int value) ? value : throw Error($"{at}.{name}", "is not a whole number");

        private List<JsonElement> Array(JsonElement parent, string name, string at) => Member(parent, name, at, JsonValueKind.Array).EnumerateArray().ToList();

        private InputException Error(string member, string problem) =>
            new(ErrorCodes.ReportMalformed, $"the saved report cannot be used: {member} {problem}.", Fix, new SourceLocation(path));
    }
}
