using System.Text.Json;
using SmoothInfo.IO;

namespace SmoothInfo.Results;

/// <summary>
/// The estimator's output in JSON, as the reports and the estimator cache both write and read it: which solver ran,
/// and each sample's estimator signals.
/// </summary>
public static class EstimatorOutputJson
{
    /// <summary>Which solver ran and why, as every JSON output writes it.</summary>
    public static void WriteSolver(this Utf8JsonWriter json, Estimation.SolverReport solver)
    {
        json.WriteStartObject("solver");
        json.WriteString("method", solver.Method);
        json.WriteString("reason", solver.Reason);
        if (solver.ConditionNumber is { } condition) json.WriteNumber("conditionNumber", condition); else json.WriteNull("conditionNumber");
        json.WriteString("precision", solver.Precision);
        // Which F-SI the samples carry: on the held-out set (the paper's), or on the other training samples.
        json.WriteStartObject("functionalSI");
        json.WriteString("measuredOn", solver.HeldOutSamples > 0 ? "held-out" : "training");
        if (solver.HeldOutSamples > 0) json.WriteNumber("heldOutSamples", solver.HeldOutSamples);
        json.WriteEndObject();
        if (solver.SgdNoiseScale is { } noiseScale) json.WriteNumber("sgdNoiseScale", noiseScale);
        if (solver.Plan is { } plan)
        {
            json.WriteStartObject("plan");
            json.WriteString("route", plan.Route);
            json.WriteNumber("estimatedPeakBytes", plan.EstimatedPeakBytes);
            json.WriteNumber("operations", plan.Operations);
            json.WriteString("memoryBudget", plan.MemoryBudget);
            json.WriteString("reason", plan.Reason);
            json.WriteEndObject();
        }
        if (solver.Regularization is { } path)
        {
            json.WriteStartObject("weightDecay");
            json.WriteNumber("chosen", path.Chosen);
            json.WriteString("criterion", Estimation.RegularizationPath.Criterion);
            json.WriteStartArray("grid");
            for (int i = 0; i < path.WeightDecays.Count; i++)
            {
                json.WriteStartObject();
                json.WriteNumber("weightDecay", path.WeightDecays[i]);
                json.NumberOrNull("looError", path.LeaveOneOutErrors[i]);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    /// <summary>
    /// The leave-one-out curve the weight decay was chosen on, as <see cref="WriteSolver"/> writes it; null when it was
    /// fixed, or when the curve is not as written (it only informs the reader, so it never fails a report).
    /// </summary>
    public static Estimation.RegularizationPath? ReadRegularization(JsonElement solver)
    {
        if (!solver.TryGetProperty("weightDecay", out var path) || path.ValueKind != JsonValueKind.Object
            || !path.TryGetProperty("chosen", out var chosen) || chosen.ValueKind != JsonValueKind.Number
            || !path.TryGetProperty("grid", out var grid) || grid.ValueKind != JsonValueKind.Array) return null;
        var decays = new List<double>();
        var errors = new List<double>();
        foreach (var point in grid.EnumerateArray())
        {
            if (point.ValueKind != JsonValueKind.Object || !point.TryGetProperty("weightDecay", out var decay) || decay.ValueKind != JsonValueKind.Number)
                return null;
            decays.Add(decay.GetDouble());
            errors.Add(point.TryGetProperty("looError", out var error) && error.ValueKind == JsonValueKind.Number ? error.GetDouble() : double.NaN);
        }
        return new Estimation.RegularizationPath(chosen.GetDouble(), decays, errors);
    }

    /// <summary>
    /// The solver with what <see cref="WriteSolver"/> says was measured (held-out set size, SGD noise scale) and planned; absent
    /// members, as in reports written before they existed, mean a training-set F-SI, no SGD-noise SI and no plan.
    /// </summary>
    public static Estimation.SolverReport WithMeasurements(Estimation.SolverReport solver, JsonElement written) => solver with
    {
        HeldOutSamples = written.TryGetProperty("functionalSI", out var functional) && functional.ValueKind == JsonValueKind.Object
            && functional.TryGetProperty("heldOutSamples", out var count) && count.TryGetInt64(out long samples) ? samples : 0,
        SgdNoiseScale = written.TryGetProperty("sgdNoiseScale", out var scale) && scale.ValueKind == JsonValueKind.Number ? scale.GetDouble() : null,
        Plan = ReadPlan(written),
    };

    /// <summary>The plan as <see cref="WriteSolver"/> writes it; null when absent or not as written (it only informs the reader).</summary>
    private static Estimation.PlanSummary? ReadPlan(JsonElement solver)
    {
        if (!solver.TryGetProperty("plan", out var plan) || plan.ValueKind != JsonValueKind.Object) return null;
        string? Text(string name) => plan.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return Text("route") is { } route && Text("memoryBudget") is { } budget && Text("reason") is { } reason
            && plan.TryGetProperty("estimatedPeakBytes", out var peak) && peak.TryGetInt64(out long peakBytes)
            && plan.TryGetProperty("operations", out var operations) && operations.ValueKind == JsonValueKind.Number
            ? new Estimation.PlanSummary(route, peakBytes, operations.GetDouble(), budget, reason)
            : null;
    }

    /// <summary>A sample's SGD-noise weight SI as <see cref="WriteSignals"/> writes it; NaN when absent (not measured).</summary>
    public static double ReadWeightSISgd(JsonElement sample) => OptionalNumber(sample, "weightSISgd");

    /// <summary>A sample's isolation as <see cref="WriteSignals"/> writes it; NaN when absent (not measured, or a report written before it was).</summary>
    public static double ReadIsolation(JsonElement sample) => OptionalNumber(sample, "isolation");

    private static double OptionalNumber(JsonElement sample, string name) =>
        sample.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : double.NaN;

    /// <summary>A sample's estimator signals, as the report and the estimator cache both store them.</summary>
    public static void WriteSignals(this Utf8JsonWriter json, Rules.SampleSignals signals)
    {
        json.WriteNumber("weightSI", signals.WeightSI);
        json.NumberOrNull("functionalSI", signals.FunctionalSI);
        if (!double.IsNaN(signals.WeightSISgd)) json.WriteNumber("weightSISgd", signals.WeightSISgd);
        if (!double.IsNaN(signals.Isolation)) json.WriteNumber("isolation", signals.Isolation);
        json.WriteStartArray("looPrediction");
        foreach (double value in signals.LooPrediction) json.WriteNumberValue(value);
        json.WriteEndArray();
    }
}
