using System.CommandLine;
using System.Globalization;
using SmoothInfo.Cli.Output;
using SmoothInfo.Data.Npy;
using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Cli.Commands;

/// <summary>
/// `smoothinfo kernel`: the estimator on kernels the user brings (e.g. from JAX neural-tangents), as NPY files.
/// The command line and result.json are a stable contract other tools call.
/// </summary>
public static class KernelCommand
{
    public static Command Create(TextWriter progressWriter)
    {
        var ntk = Required<FileInfo>("--ntk", "train x train NTK, (n*k, n*k), sample-major (sample i owns rows i*k .. i*k+k-1)");
        var targets = Required<FileInfo>("--targets", "targets, (n, k): one-hot rows for classification");
        var initPreds = Required<FileInfo>("--init-preds", "predictions of the network at its starting weights, (n, k)");
        var testNtk = new Option<FileInfo>("--test-ntk") { Description = "held-out x train cross kernel, (m*k, n*k)" };
        var testInitPreds = new Option<FileInfo>("--test-init-preds") { Description = "initial predictions on the held-out samples, (m, k)" };
        var learningRate = Required<double>("--learning-rate", "step size eta of gradient descent (the rate of gradient flow)");
        var steps = Required<string>("--steps", "number of steps t, or 'inf' for the converged run (with --continuous: the time)");
        var weightDecay = Required<double>("--weight-decay", "weight decay lambda toward the starting weights (adds lambda*I to the kernel)");
        var continuous = new Option<bool>("--continuous") { Description = "gradient flow instead of discrete gradient descent" };
        var loss = new Option<string>("--loss") { Description = "mean or sum over samples; mean makes the leave-one-out step eta*n/(n-1)", DefaultValueFactory = _ => "mean" };
        loss.AcceptOnlyFromAmong("mean", "sum");
        var sigma = new Option<double>("--sigma") { Description = "smoothing noise sigma of the SI in nats", DefaultValueFactory = _ => 1.0 };
        var precision = new Option<string>("--precision") { Description = "float64 (default, exact) or float32 (faster, about 1e-4 relative error)", DefaultValueFactory = _ => "float64" };
        precision.AcceptOnlyFromAmong("float64", "float32");
        var device = new Option<string>("--device") { Description = "cpu, cuda or auto", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda", "auto");
        var output = Required<FileInfo>("--out", "where to write result.json (written atomically)");

        var command = new Command("kernel",
            "Per-sample leave-one-out changes and Smooth Unique Information from kernels you bring.\n\n" +
            "Example:\n  smoothinfo kernel --ntk A.npy --targets Y.npy --init-preds F0.npy \\\n" +
            "    --test-ntk T.npy --test-init-preds G0.npy --learning-rate 0.1 --steps inf --weight-decay 1e-3 --out result.json\n\n" +
            "result.json: {\"samples\": [{\"index\", \"weightChange\", \"testPredictionChange\", \"trainPredictionChange\",\n" +
            "\"looPrediction\", \"weightSI\", \"functionalSI\"}], \"solver\": {...}}. Exit codes: 0 done, 2 input error, 3 internal failure.")
        {
            ntk, targets, initPreds, testNtk, testInitPreds, learningRate, steps, weightDecay, continuous, loss, sigma, precision, device, output,
        };
        command.SetAction(parse =>
        {
            var run = new TrainingRun(parse.GetValue(learningRate), ParseSteps(parse.GetValue(steps)!), parse.GetValue(weightDecay),
                parse.GetValue(continuous) ? TrainingDynamics.Continuous : TrainingDynamics.Discrete,
                parse.GetValue(loss) == "sum" ? LossReduction.Sum : LossReduction.Mean);
            double smoothing = parse.GetValue(sigma);
            if (!(smoothing > 0) || double.IsInfinity(smoothing))
                throw new InputException(ErrorCodes.InvalidHyperparameter, $"--sigma is {smoothing}; it must be a positive number.", "pass e.g. --sigma 1.");
            var options = new EstimatorOptions(
                parse.GetValue(precision) == "float32" ? ScalarType.Float32 : ScalarType.Float64,
                Devices.Resolve(parse.GetValue(device)!),
                Progress: new ProgressPrinter(progressWriter));

            var problem = Load(parse.GetValue(ntk)!, parse.GetValue(targets)!, parse.GetValue(initPreds)!,
                parse.GetValue(testNtk), parse.GetValue(testInitPreds));
            var result = LeaveOneOutEstimator.Estimate(problem, run, options);
            KernelResultJson.Write(parse.GetValue(output)!.FullName, result, run, smoothing);
            progressWriter.WriteLine($"smoothinfo: {result.SampleCount} samples, {result.Solver.Method} ({result.Solver.Reason}); wrote {parse.GetValue(output)!.FullName}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Option<T> Required<T>(string name, string description) => new(name) { Description = description, Required = true };

    private static double ParseSteps(string text)
    {
        if (text is "inf" or "infinity" or "Infinity") return double.PositiveInfinity;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double steps) && double.IsFinite(steps)) return steps;
        throw new InputException(ErrorCodes.UsageError, $"--steps is '{text}'; expected a number of steps or 'inf'.", "pass e.g. --steps 1000 or --steps inf.");
    }

    private static KernelProblem Load(FileInfo ntk, FileInfo targets, FileInfo initPreds, FileInfo? testNtk, FileInfo? testInitPreds)
    {
        var names = new KernelProblemNames(ntk.FullName, targets.FullName, initPreds.FullName,
            testNtk?.FullName ?? "--test-ntk", testInitPreds?.FullName ?? "--test-init-preds");
        return new KernelProblem(
            NpyFile.Read(ntk.FullName), AsMatrix(NpyFile.Read(targets.FullName)), AsMatrix(NpyFile.Read(initPreds.FullName)),
            testNtk is null ? null : NpyFile.Read(testNtk.FullName),
            testInitPreds is null ? null : AsMatrix(NpyFile.Read(testInitPreds.FullName)),
            names);
    }

    /// <summary>A vector of n values is n samples with one output.</summary>
    private static Tensor AsMatrix(Tensor t) => t.dim() == 1 ? t.unsqueeze(1) : t;
}
