using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Planning;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Gate;

/// <summary>
/// The network's linearized training, measured per sample along the route the planner chose (<see cref="RoutePlanner.ForNetwork"/>):
/// function space through the NTK, weight space, or the final Linear layer's features, on the exact Jacobian or on a random
/// projection of it. Targets are one-hot; the initial predictions are the network's. With held-out inputs, every route also
/// measures the change of their predictions (the paper's F-SI): the cross kernel in function space, their head features or
/// Jacobian rows in weight space.
/// </summary>
public static class LeaveOneOutRun
{
    public static LeaveOneOutResult Estimate(Plan plan, Sequential network, ParameterSelection selection,
        Tensor inputs, Tensor labels, int classes, TrainingRun run, EstimatorOptions options, IProgress<KernelProgress>? kernelProgress,
        JacobianProjection? projection = null, int? maxSamplesPerBlock = null, bool chooseWeightDecay = false, Tensor? heldOut = null)
    {
        if (chooseWeightDecay && !run.IsConverged)
            throw new InputException(ErrorCodes.PolicyInconsistent, "'weightDecay: auto' is chosen among converged runs only.",
                "set the weight decay to a number, or steps to inf.", run.Names.WeightDecayLocation);
        using var scope = NewDisposeScope();
        long n = inputs.shape[0];
        var dtype = options.Precision;
        var targets = nn.functional.one_hot(labels, classes).to(dtype, options.Device ?? CPU);
        var result = plan.Route switch
        {
            Route.LinearHead when chooseWeightDecay => HeadWithChosenWeightDecay(network, inputs, targets, run, heldOut),
            Route.LinearHead => LinearHeadLeaveOneOut.Compute(LinearHead.Problem(network, inputs, targets, heldOut), run),
            Route.WeightSpace => WeightSpace(network, selection, inputs, targets, run, projection, heldOut, dtype),
            Route.FunctionSpace => FunctionSpace(plan, network, selection, inputs, targets, run, options, kernelProgress, projection,
                maxSamplesPerBlock, chooseWeightDecay, heldOut),
            _ => throw new ArgumentException($"the {plan.Route} route is not a network's", nameof(plan)),
        };
        return (result with { Solver = result.Solver with { Reason = $"{plan.Reason}; {result.Solver.Reason}", Plan = plan.Summary } }).MoveToOuter();
    }

    /// <summary>weightDecay: auto on the head: its features serve every grid point from one eigendecomposition of Phi^T Phi.</summary>
    private static LeaveOneOutResult HeadWithChosenWeightDecay(Sequential network, Tensor inputs, Tensor targets, TrainingRun run, Tensor? heldOut)
    {
        var head = LinearHead.Problem(network, inputs, targets, heldOut);
        Tensor Rows(long first, long count) => LinearHeadLeaveOneOut.Design(head.Features, head.HasBias, first, count);
        var heldOutRows = head.TestFeatures is { } testFeatures
            ? new FeatureSpaceLeaveOneOut.HeldOutRows(testFeatures.shape[0], (first, count) => LinearHeadLeaveOneOut.Design(testFeatures, head.HasBias, first, count))
            : null;
        // The grid in the kernel's own units: its mean eigenvalue, trace(Phi Phi^T) / n, the mean squared row norm.
        var (result, _) = FeatureSpaceLeaveOneOut.Compute(inputs.shape[0], Rows, targets, head.InitialPredictions, RegularizationPath.DefaultGrid,
            FeatureSpaceLeaveOneOut.ChunkRows, run.Names, run, heldOutRows);
        return result;
    }

    private static LeaveOneOutResult WeightSpace(Sequential network, ParameterSelection selection, Tensor inputs, Tensor targets, TrainingRun run,
        JacobianProjection? projection, Tensor? heldOut, ScalarType dtype)
    {
        var rows = projection is null ? JacobianRows.Exact(network, selection) : JacobianRows.Projected(network, selection, projection);
        var source = new JacobianSource(inputs.shape[0], rows.Dimension, (first, count) => rows.Rows(inputs.narrow(0, first, count)));
        var heldOutSource = heldOut is null ? null
            : new JacobianSource(heldOut.shape[0], rows.Dimension, (first, count) => rows.Rows(heldOut.narrow(0, first, count)));
        return WeightSpaceLeaveOneOut.Compute(source, targets, InitialPredictions(network, inputs, dtype), run, heldOutSource);
    }

    /// <summary>The NTK in blocks sized by the plan's working memory, then the kernel estimator (weightDecay auto: on its eigendecomposition).</summary>
    private static LeaveOneOutResult FunctionSpace(Plan plan, Sequential network, ParameterSelection selection, Tensor inputs, Tensor targets,
        TrainingRun run, EstimatorOptions options, IProgress<KernelProgress>? kernelProgress, JacobianProjection? projection, int? maxSamplesPerBlock,
        bool chooseWeightDecay, Tensor? heldOut)
    {
        var dtype = options.Precision;
        var ntkOptions = new NtkOptions
        {
            Selection = selection, Projection = projection, MaxSamplesPerBlock = maxSamplesPerBlock, MemoryBudgetBytes = plan.NtkWorkingBytes,
        };
        var kernel = EmpiricalNtk.Train(network, inputs, ntkOptions with { Progress = kernelProgress });
        var problem = new KernelProblem(kernel, targets, InitialPredictions(network, inputs, dtype),
            heldOut is null ? null : EmpiricalNtk.Cross(network, heldOut, inputs, ntkOptions),
            heldOut is null ? null : InitialPredictions(network, heldOut, dtype));
        var path = chooseWeightDecay ? KernelWeightDecayPath.Choose(problem, RegularizationPath.DefaultGrid(KernelWeightDecayPath.Scale(kernel))) : null;
        var result = LeaveOneOutEstimator.Estimate(problem, path is null ? run : run with { WeightDecay = path.Chosen }, options);
        return path is null ? result : result with { Solver = result.Solver with { Regularization = path } };
    }

    internal static Tensor InitialPredictions(Sequential network, Tensor inputs, ScalarType dtype)
    {
        using var noGrad = no_grad();
        return network.call(inputs.to(network.parameters().First().dtype)).to(dtype);
    }
}
