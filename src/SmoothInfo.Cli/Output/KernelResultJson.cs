using SmoothInfo.Estimation;
using SmoothInfo.IO;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reports;
using SmoothInfo.Results;

namespace SmoothInfo.Cli.Output;

/// <summary>
/// result.json of `smoothinfo kernel` (schemaVersion 1): per sample the changes, the leave-one-out prediction and
/// the SI in nats; plus which solver ran and why. Numbers are written in their shortest round-trip form.
/// </summary>
public static class KernelResultJson
{
    public const int SchemaVersion = 1;

    public static void Write(string path, LeaveOneOutResult result, TrainingRun run, double sigma)
    {
        double[] weightChange = result.WeightChange.to(TorchSharp.torch.float64).data<double>().ToArray();
        double[] trainChange = result.TrainPredictionChange.to(TorchSharp.torch.float64).data<double>().ToArray();
        double[]? testChange = result.TestPredictionChange?.to(TorchSharp.torch.float64).data<double>().ToArray();
        double[] loo = result.LeaveOneOutPrediction.to(TorchSharp.torch.float64).data<double>().ToArray();
        double[] weightSI = result.WeightSI(sigma).to(TorchSharp.torch.float64).data<double>().ToArray();
        double[] functionalSI = result.FunctionalSI(sigma).to(TorchSharp.torch.float64).data<double>().ToArray();
        long k = result.LeaveOneOutPrediction.shape[1];

        JsonFile.Write(path, json =>
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", SchemaVersion);
            json.WriteSolver(result.Solver);
            json.WriteStartObject("training");
            json.WriteNumber("learningRate", run.LearningRate);
            if (run.IsConverged) json.WriteString("steps", "inf"); else json.WriteNumber("steps", run.Steps);
            json.WriteNumber("weightDecay", run.WeightDecay);
            json.WriteString("dynamics", KebabCase.Of(run.Dynamics));
            json.WriteString("loss", KebabCase.Of(run.Loss));
            json.WriteEndObject();
            json.WriteNumber("sigma", sigma);
            json.WriteNumber("testSampleCount", result.TestSampleCount);
            json.WriteStartArray("samples");
            for (int i = 0; i < weightChange.Length; i++)
            {
                json.WriteStartObject();
                json.WriteNumber("index", i);
                json.WriteNumber("weightChange", weightChange[i]);
                if (testChange is not null) json.WriteNumber("testPredictionChange", testChange[i]);
                json.WriteNumber("trainPredictionChange", trainChange[i]);
                json.WriteStartArray("looPrediction");
                for (long j = 0; j < k; j++) json.WriteNumberValue(loo[i * k + j]);
                json.WriteEndArray();
                json.WriteNumber("weightSI", weightSI[i]);
                json.WriteNumber("functionalSI", functionalSI[i]);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }
}
