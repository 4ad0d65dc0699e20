using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// What the estimator works on, all sample-major (sample i owns rows i*k .. i*k+k-1):
/// the train NTK (n*k x n*k), targets and initial predictions (n x k), and optionally a held-out
/// cross kernel (m*k x n*k) with its initial predictions (m x k). The estimator never modifies them.
/// </summary>
public sealed record KernelProblem(
    Tensor TrainKernel,
    Tensor Targets,
    Tensor InitialPredictions,
    Tensor? TestKernel = null,
    Tensor? TestInitialPredictions = null,
    KernelProblemNames? Names = null)
{
    public long SampleCount => Targets.shape[0];
    public long OutputCount => Targets.shape.Length > 1 ? Targets.shape[1] : 1;
    public long TestSampleCount => TestInitialPredictions?.shape[0] ?? 0;
    public bool HasTestSet => TestKernel is not null;
    public KernelProblemNames NamesOrDefault => Names ?? KernelProblemNames.Default;
}

/// <summary>How each input is called in error messages: file paths when they came from files.</summary>
public sealed record KernelProblemNames(
    string TrainKernel, string Targets, string InitialPredictions, string TestKernel, string TestInitialPredictions)
{
    public static KernelProblemNames Default { get; } =
        new("train kernel", "targets", "initial predictions", "test kernel", "test initial predictions");
}
