using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SmoothInfo.Data;
using SmoothInfo.Estimation;
using SmoothInfo.IO;
using SmoothInfo.Models.Backbones;
using SmoothInfo.Policy.Model;
using SmoothInfo.Results;
using SmoothInfo.Rules;
using static TorchSharp.torch;

namespace SmoothInfo.Gate;

/// <summary>
/// The estimator's output saved beside the reports (smoothinfo-cache.json), keyed by a SHA-256 of everything it
/// depends on: the policy's dataset, held-out, model, training and estimator sections, every sample's (and held-out
/// sample's) content hash and label, the weights file's bytes, the backbone's model files (the shipped ResNet-18's, or
/// the user's ONNX file and cut), the device, and the exact build of the tool and of TorchSharp. Rules, baseline and
/// report settings are not in the key: they are applied to the output afresh on every run. A missing, unreadable or
/// mismatching cache is simply recomputed and overwritten.
/// </summary>
public static class EstimatorCache
{
    public const string FileName = "smoothinfo-cache.json";
    private const int SchemaVersion = 1;

    // Fields included: the policy's image size is a value tuple, whose elements are fields.
    private static readonly JsonSerializerOptions PolicyJson = new() { IncludeFields = true };

    public static string Key(SmoothInfoPolicy policy, Dataset dataset, Dataset? heldOut, Device device)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
        Add($"smoothinfo estimator cache {SchemaVersion}");
        // Module version ids change with every code change under deterministic builds, so a rebuilt tool never
        // reuses output of an older estimator that carried the same version number.
        Add(typeof(EstimatorCache).Assembly.ManifestModule.ModuleVersionId.ToString());
        Add(typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "");
        Add(JsonSerializer.Serialize(new { policy.Dataset, policy.HeldOut, policy.Model, policy.Training, policy.Estimator }, PolicyJson));
        Add(device.type.ToString());
        Add(policy.Model.Weights is { } weights ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(weights))) : "no weights");
        // The backbone's model files come from a package, not from this assembly: a new package version must not reuse old output.
        Add(policy.Model.OnnxBackbone is { } onnx ? OnnxFeatures.IdentityOf(onnx)
            : policy.Model.Backbone == Backbone.None ? "no backbone" : ResNet18Features.IdentityOf());
        Add(string.Join("\u0001", dataset.ClassNames));
        Add(string.Join(",", dataset.SampleShape));
        for (int i = 0; i < dataset.Count; i++) Add($"{dataset.ContentHashes[i]} {dataset.Labels[i]}");
        Add(heldOut is null ? "no held-out set" : $"held out {heldOut.Count}");
        for (int i = 0; i < (heldOut?.Count ?? 0); i++) Add($"{heldOut!.ContentHashes[i]} {heldOut.Labels[i]}");
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The cached output for this key, or null when there is none that matches this dataset.</summary>
    public static EstimatorOutput? Load(string path, string key, Dataset dataset)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.GetProperty("schemaVersion").GetInt32() != SchemaVersion || root.GetProperty("key").GetString() != key) return null;
            var solver = root.GetProperty("solver");
            var samples = root.GetProperty("samples");
            if (samples.GetArrayLength() != dataset.Count) return null;
            var signals = new List<SampleSignals>(dataset.Count);
            int i = 0;
            foreach (var s in samples.EnumerateArray())
            {
                var loo = s.GetProperty("looPrediction").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                if (loo.Length != dataset.ClassNames.Count) return null;
                var functional = s.GetProperty("functionalSI");
                signals.Add(new SampleSignals(i, dataset.Labels[i], s.GetProperty("weightSI").GetDouble(),
                    functional.ValueKind == JsonValueKind.Null ? double.NaN : functional.GetDouble(), loo) { WeightSISgd = EstimatorOutputJson.ReadWeightSISgd(s), Isolation = EstimatorOutputJson.ReadIsolation(s) });
                i++;
            }
            var condition = solver.GetProperty("conditionNumber");
            return new EstimatorOutput(signals, EstimatorOutputJson.WithMeasurements(new SolverReport(solver.GetProperty("method").GetString()!,
                solver.GetProperty("reason").GetString()!, condition.ValueKind == JsonValueKind.Null ? null : condition.GetDouble(),
                solver.GetProperty("precision").GetString()!, EstimatorOutputJson.ReadRegularization(solver)), solver));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return null; // a damaged cache costs one recomputation, never a failed gate
        }
    }

    /// <summary>Writes the output under this key, atomically: a concurrent reader sees the old cache or the new one.</summary>
    public static void Save(string path, string key, EstimatorOutput output) => JsonFile.Write(path, json =>
    {
        json.WriteStartObject();
        json.WriteNumber("schemaVersion", SchemaVersion);
        json.WriteString("key", key);
        json.WriteSolver(output.Solver);
        json.WriteStartArray("samples");
        foreach (var s in output.Signals)
        {
            json.WriteStartObject();
            json.WriteSignals(s);
            json.WriteEndObject();
            json.FlushWhenFull();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    });
}
