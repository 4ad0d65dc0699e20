using SmoothInfo.Policy.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// How to compute: precision, device, a forced finite-t method (tests, benchmarks), progress, and the working
/// memory for per-sample temporaries (samples are processed in chunks that fit it; results do not depend on it).
/// </summary>
public sealed record EstimatorOptions(
    ScalarType Precision = ScalarType.Float64,
    Device? Device = null,
    FiniteTimeMethod FiniteTimeMethod = FiniteTimeMethod.Auto,
    IProgress<EstimatorProgress>? Progress = null,
    long WorkingMemoryBytes = EstimatorOptions.DefaultWorkingMemoryBytes)
{
    public const long DefaultWorkingMemoryBytes = 128L << 20;
}

/// <summary>
/// The one entry point of the kernel-level estimator: validates, then computes every sample's
/// leave-one-out quantities exactly, choosing the method from t (closed form at t = infinity).
/// Pure: reads the problem's tensors, never changes them, returns new CPU tensors.
/// </summary>
public static class LeaveOneOutEstimator
{
    public static LeaveOneOutResult Estimate(KernelProblem problem, TrainingRun run, EstimatorOptions? options = null)
    {
        options ??= new EstimatorOptions();
        options.Progress?.Report(new EstimatorProgress("validating the inputs", 0));
        KernelProblemValidator.Validate(problem, run);
        using var scope = NewDisposeScope();
        var device = options.Device ?? CPU;
        Tensor Convert(Tensor t) => t.to(options.Precision, device);
        var converted = problem with
        {
            TrainKernel = Convert(problem.TrainKernel),
            Targets = Convert(problem.Targets),
            InitialPredictions = Convert(problem.InitialPredictions),
            TestKernel = problem.TestKernel is null ? null : Convert(problem.TestKernel),
            TestInitialPredictions = problem.TestInitialPredictions is null ? null : Convert(problem.TestInitialPredictions),
        };

        // Finite t checks the step on the spectrum it computes anyway (FiniteTimeLeaveOneOut).
        if (run.Dynamics == TrainingDynamics.Discrete && run.IsConverged)
        {
            options.Progress?.Report(new EstimatorProgress("checking the step size", 0));
            StepSizeCheck.RequireBeforeFactorizing(converted.TrainKernel, run, problem.SampleCount);
        }

        var result = run.IsConverged
            ? ClosedFormLeaveOneOut.Compute(converted, run, options.WorkingMemoryBytes, options.Progress)
            : FiniteTimeLeaveOneOut.Compute(converted, run, options.FiniteTimeMethod, options.WorkingMemoryBytes, options.Progress);
        return ToCpu(result).MoveToOuter();
    }

    private static LeaveOneOutResult ToCpu(LeaveOneOutResult result) => result with
    {
        WeightChange = result.WeightChange.cpu(),
        TrainPredictionChange = result.TrainPredictionChange.cpu(),
        TestPredictionChange = result.TestPredictionChange?.cpu(),
        LeaveOneOutPrediction = result.LeaveOneOutPrediction.cpu(),
    };
}
