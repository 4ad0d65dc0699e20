using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Gate;

/// <summary>
/// The network's linearized training, measured per sample: picks the cheaper exact formulation (function space
/// through the NTK, or weight space) and runs it, on the exact Jacobian or on a random projection of it. Targets are
/// one-hot; the initial predictions are the network's. With held-out inputs, every route also measures the change of
/// their predictions (the paper's F-SI): the cross kernel in function space, their head features or Jacobian rows in
/// weight space.
/// </summary>
public static class LeaveOneOutRun
{
    public static (LeaveOneOutResult Result, Formulation Formulation) Estimate(Sequential network, ParameterSelection selection,
        Tensor inputs, Tensor labels, int classes, TrainingRun run, EstimatorOptions options, IProgress<KernelProgress>? kernelProgress,
        JacobianProjection? projection = null, int? maxSamplesPerBlock = null, bool chooseWeightDecay = false, Tensor? heldOut = null)
    {
        using var scope = NewDisposeScope();
        long n = inputs.shape[0];
        var dtype = options.Precision;
        var targets = nn.functional.one_hot(labels, classes).to(dtype, options.Device ?? CPU);
        var formulation = Formulation.Choose(network, selection, n, classes, projection);
        LeaveOneOutResult result;
        if (chooseWeightDecay && !run.IsConverged)
            throw new InputException(ErrorCodes.PolicyInconsistent, "'weightDecay: auto' is chosen among converged runs only.",
                "set the weight decay to a number, or steps to inf.", run.Names.WeightDecayLocation);
        if (chooseWeightDecay && formulation.Kind == FormulationKind.WeightSpaceLinearHead)
        {
            // weightDecay: auto. The head's features serve every grid point from one eigendecomposition of Phi^T Phi.
            var head = LinearHead.Problem(network, inputs, targets, heldOut);
            Tensor Rows(long first, long count) => LinearHeadLeaveOneOut.Design(head.Features, head.HasBias, first, count);
            // The grid in the kernel's own units: its mean eigenvalue, trace(Phi Phi^T) / n, the mean squared row norm.
            var heldOutRows = head.TestFeatures is { } testFeatures
                ? new FeatureSpaceLeaveOneOut.HeldOutRows(testFeatures.shape[0], (first, count) => LinearHeadLeaveOneOut.Design(testFeatures, head.HasBias, first, count))
                : null;
            (result, _) = FeatureSpaceLeaveOneOut.Compute(n, Rows, targets, head.InitialPredictions, RegularizationPath.DefaultGrid,
                FeatureSpaceLeaveOneOut.ChunkRows, run.Names, run, heldOutRows);
            return (result.MoveToOuter(), formulation);
        }
        switch (formulation.Kind)
        {
            case FormulationKind.WeightSpaceLinearHead when run.IsConverged && run.WeightDecay > 0:
                result = LinearHeadLeaveOneOut.Compute(LinearHead.Problem(network, inputs, targets, heldOut), run);
                break;
            case FormulationKind.WeightSpace when run.IsConverged && run.WeightDecay > 0:
            {
                var rows = projection is null ? JacobianRows.Exact(network, selection) : JacobianRows.Projected(network, selection, projection);
                var source = new JacobianSource(n, rows.Dimension, (first, count) => rows.Rows(inputs.narrow(0, first, count)));
                var heldOutSource = heldOut is null ? null
                    : new JacobianSource(heldOut.shape[0], rows.Dimension, (first, count) => rows.Rows(heldOut.narrow(0, first, count)));
                result = WeightSpaceLeaveOneOut.Compute(source, targets, InitialPredictions(network, inputs, dtype), run, heldOutSource);
                break;
            }
            default:
            {
                // Function space: also where weight space would be cheaper but cannot run (finite t, or no weight decay).
                var ntkOptions = new NtkOptions { Selection = selection, Projection = projection, MaxSamplesPerBlock = maxSamplesPerBlock };
                var kernel = EmpiricalNtk.Train(network, inputs, ntkOptions with { Progress = kernelProgress });
                var problem = new KernelProblem(kernel, targets, InitialPredictions(network, inputs, dtype),
                    heldOut is null ? null : EmpiricalNtk.Cross(network, heldOut, inputs, ntkOptions),
                    heldOut is null ? null : InitialPredictions(network, heldOut, dtype));
                // weightDecay: auto off the head's route: the kernel's eigendecomposition serves the grid, then the estimator runs once.
                var path = chooseWeightDecay ? KernelWeightDecayPath.Choose(problem, RegularizationPath.DefaultGrid(KernelWeightDecayPath.Scale(kernel))) : null;
                result = LeaveOneOutEstimator.Estimate(problem, path is null ? run : run with { WeightDecay = path.Chosen }, options);
                if (path is not null) result = result with { Solver = result.Solver with { Regularization = path } };
                if (formulation.Kind != FormulationKind.FunctionSpace)
                    formulation = formulation with
                    {
                        Kind = FormulationKind.FunctionSpace,
                        Reason = chooseWeightDecay
                            ? "function space: weightDecay auto is chosen on the kernel's eigendecomposition"
                            : "function space: the weight-space route computes converged runs with weight decay only",
                    };
                break;
            }
        }
        return (result.MoveToOuter(), formulation);
    }

    internal static Tensor InitialPredictions(Sequential network, Tensor inputs, ScalarType dtype)
    {
        using var noGrad = no_grad();
        return network.call(inputs.to(network.parameters().First().dtype)).to(dtype);
    }
}
