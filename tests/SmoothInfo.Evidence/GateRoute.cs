using SmoothInfo.Estimation;
using SmoothInfo.Gate;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Planning;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>A network probe's leave-one-out along the route the gate's planner takes for it (no memory limit here), float64 on the CPU.</summary>
internal static class GateRoute
{
    public static (LeaveOneOutResult Result, Plan Plan) Estimate(Sequential network, ParameterSelection selection, Tensor x, Tensor labels,
        TrainingRun run, JacobianProjection? projection = null, Tensor? heldOut = null)
    {
        const int classes = 10;
        var sizes = NetworkSizes.Of(network, selection, x.shape[0], classes, x.shape.Skip(1).ToArray(), heldOut?.shape[0] ?? 0, ScalarType.Float64, projection);
        var plan = RoutePlanner.ForNetwork(sizes, run, autoWeightDecay: false, PlanBudget.Unlimited);
        var result = LeaveOneOutRun.Estimate(plan, network, selection, x, labels, classes, run, new EstimatorOptions(ScalarType.Float64, CPU), null,
            projection, heldOut: heldOut);
        return (result, plan);
    }
}
