using SmoothInfo.Estimation;
using SmoothInfo.Kernels;
using SmoothInfo.Policy.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>Per left-out sample: ||w - w_-i||^2 and the mean over held-out samples of ||f - f_-i||^2 (summed over outputs).</summary>
public sealed record LeaveOneOutChanges(double[] Weight, double[] Prediction)
{
    /// <summary>The changes of the first samples only (the ones retrained without).</summary>
    public LeaveOneOutChanges First(int count) => new(Weight.Take(count).ToArray(), Prediction.Take(count).ToArray());

    /// <summary>
    /// The estimator on the empirical NTK at the network's current weights: full-batch discrete GD with sum loss,
    /// t steps, weight decay lambda toward w0; eta is half the stability limit, 1 / lambda_max(Theta + lambda I).
    /// </summary>
    public static LeaveOneOutChanges Estimated(Sequential network, Tensor x, Tensor xTest, Tensor targets, NtkOptions ntk, int steps, double lambda,
        out double eta)
    {
        using var scope = NewDisposeScope();
        Tensor f0, f0Test;
        using (no_grad()) (f0, f0Test) = (network.call(x), network.call(xTest));
        return FromKernels(EmpiricalNtk.Train(network, x, ntk), EmpiricalNtk.Cross(network, xTest, x, ntk), f0, f0Test, targets, steps, lambda, out eta);
    }

    /// <summary>The same estimate from kernels computed elsewhere (Theta, held-out x train) and the outputs at w0.</summary>
    public static LeaveOneOutChanges FromKernels(Tensor kernel, Tensor cross, Tensor f0, Tensor f0Test, Tensor targets, int steps, double lambda, out double eta)
    {
        using var scope = NewDisposeScope();
        eta = 1.0 / (LargestEigenvalue(kernel) + lambda);
        var problem = new KernelProblem(kernel, targets, f0, cross, f0Test);
        var result = LeaveOneOutEstimator.Estimate(problem, new TrainingRun(eta, steps, lambda, TrainingDynamics.Discrete, LossReduction.Sum));
        return new LeaveOneOutChanges(result.WeightChange.data<double>().ToArray(), result.TestPredictionChange!.data<double>().ToArray());
    }

    /// <summary>Largest eigenvalue of a symmetric positive semidefinite matrix by power iteration (ample for choosing a step).</summary>
    private static double LargestEigenvalue(Tensor matrix)
    {
        using var scope = NewDisposeScope();
        var v = ones(matrix.shape[0], 1, dtype: matrix.dtype);
        double value = 0;
        for (int i = 0; i < 200; i++)
        {
            var next = matrix.matmul(v);
            value = next.norm().item<double>() / v.norm().item<double>();
            v = next / next.norm();
        }
        return value;
    }
}
