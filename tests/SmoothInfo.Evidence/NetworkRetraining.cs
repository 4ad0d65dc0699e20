using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>
/// Real retraining of any network through autograd, one run at a time: full-batch discrete GD on
/// 1/2 ||f(X) - Y||^2 + lambda/2 ||w - w0||^2 (sum loss) from the network's current weights, once on all samples and once
/// without each of the first leftOut. Slower than a hand-batched iteration, but it needs no gradient written by hand,
/// so it serves architectures (convolutions, pooling) that have none here.
/// </summary>
public static class NetworkRetraining
{
    /// <param name="copy">Makes a network of the same architecture (its weights are overwritten with the original's).</param>
    public static LeaveOneOutChanges Run(Sequential network, Func<Sequential> copy, Tensor x, Tensor xTest, Tensor y, int leftOut, int steps,
        double lambda, double eta, out string check)
    {
        using var scope = NewDisposeScope();
        var (fullWeights, fullTest, lossBefore, lossAfter) = Train(network, copy, x, xTest, y, null, steps, lambda, eta);
        var weight = new double[leftOut];
        var prediction = new double[leftOut];
        for (int i = 0; i < leftOut; i++)
        {
            using var run = NewDisposeScope();
            var (weights, test, _, _) = Train(network, copy, x, xTest, y, i, steps, lambda, eta);
            weight[i] = (weights - fullWeights).square().sum().item<double>();
            prediction[i] = (test - fullTest).square().sum(1).mean().item<double>();
        }
        check = $"full-run training loss {lossBefore:F1} -> {lossAfter:F1}";
        return new LeaveOneOutChanges(weight, prediction);
    }

    /// <summary>One run without sample <paramref name="without"/> (null: all): the trained weights flattened and the held-out outputs, in the caller's dispose scope.</summary>
    private static (Tensor Weights, Tensor Test, double LossBefore, double LossAfter) Train(Sequential network, Func<Sequential> copy, Tensor x,
        Tensor xTest, Tensor y, int? without, int steps, double lambda, double eta)
    {
        using var model = copy();
        model.load_state_dict(network.state_dict());
        var parameters = model.parameters().ToArray();
        var start = parameters.Select(p => p.detach().clone()).ToArray();
        var mask = ones(y.shape[0], 1, dtype: y.dtype);
        if (without is { } i) mask[i, 0].fill_(0.0);
        double Loss() { using (no_grad()) return 0.5 * ((model.call(x) - y).square() * mask).sum().item<double>(); }
        double before = Loss();
        for (int t = 0; t < steps; t++)
        {
            using var step = NewDisposeScope();
            var loss = 0.5 * ((model.call(x) - y).square() * mask).sum();
            for (int q = 0; q < parameters.Length; q++) loss = loss + 0.5 * lambda * (parameters[q] - start[q]).square().sum();
            var grads = autograd.grad(new[] { loss }, parameters);
            using (no_grad())
                for (int q = 0; q < parameters.Length; q++) parameters[q].sub_(eta * grads[q]);
        }
        using (no_grad())
            return (cat(parameters.Select(p => p.detach().flatten()).ToList()), model.call(xTest),
                before, Loss());
    }
}
