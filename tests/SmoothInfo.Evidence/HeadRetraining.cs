using SmoothInfo.Estimation;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>Real retraining of a network's last Linear layer (y = W phi + b) on its fixed input features.</summary>
public static class HeadRetraining
{
    /// <summary>
    /// Full-batch GD with sum loss and weight decay lambda toward the starting head, once on all samples and once without each
    /// of the first leftOut, batched over runs.
    /// </summary>
    public static LeaveOneOutChanges Run(Sequential network, LinearHeadProblem head, int leftOut, int steps, double lambda, double eta)
    {
        using var scope = NewDisposeScope();
        var last = network.children().OfType<Linear>().Last();
        long n = head.SampleCount;
        var phi = cat(new[] { head.Features, ones(n, 1, dtype: float64) }, 1);               // bias as a constant feature
        var phiTest = cat(new[] { head.TestFeatures!, ones(head.TestFeatures!.shape[0], 1, dtype: float64) }, 1);
        var w0 = cat(new[] { last.weight!.detach(), last.bias!.detach().unsqueeze(1) }, 1).t(); // (q, k)
        int runs = leftOut + 1;
        var mask = ones(runs, n, 1, dtype: float64);
        for (int r = 0; r < leftOut; r++) mask[r, r, 0].fill_(0.0);
        var w = w0.unsqueeze(0).repeat(runs, 1, 1);
        using (no_grad())
            for (int t = 0; t < steps; t++)
            {
                using var step = NewDisposeScope();
                var residual = mask * (phi.matmul(w) - head.Targets);
                w.sub_(eta * (phi.t().matmul(residual) + lambda * (w - w0)));
            }
        var dw = w - w[runs - 1];
        var weight = dw.square().sum(new long[] { 1, 2 });
        var prediction = phiTest.matmul(dw).square().sum(2).mean(new long[] { 1 });
        return new LeaveOneOutChanges(weight.narrow(0, 0, leftOut).data<double>().ToArray(), prediction.narrow(0, 0, leftOut).data<double>().ToArray());
    }
}
