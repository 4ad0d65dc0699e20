using System.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Policy.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>
/// Issue 6: the linearized leave-one-out estimates against real retraining of the network without each sample.
/// Training is full-batch discrete GD (deterministic) on the objective the estimator assumes with sum loss:
/// 1/2 ||f(X) - Y||^2 + lambda/2 ||w - w0||^2, step eta, the same step without sample i (LossReduction.Sum).
/// Regime (a): a 784-128-10 ReLU MLP from scratch, all weights trained. Regime (b): only the last layer of a network
/// pretrained on the test split, where the linearization is exact (a sanity check of the whole pipeline). Regime (c):
/// every weight of that pretrained network fine-tuned (the paper's setting: linearize at a pretrained checkpoint).
/// </summary>
public static class LinearizationExperiment
{
    public static void Run(int n, int leftOut, int heldOut, int steps, double lambda, int flips, int seed)
    {
        var clock = Stopwatch.StartNew();
        var data = FlippedSubset.Make(n, leftOut, heldOut, flips, seed);
        var (pixels, testPixels, targets, flipped) = (data.Pixels, data.TestPixels, data.Targets, data.Flipped);
        Console.WriteLine($"n {n}, left out {leftOut} (first ones, {flips} flipped labels among them), held out {heldOut}, {steps} full-batch GD steps, " +
                          $"weight decay {lambda} toward w0, sum loss, seed {seed}");

        var rows = new List<LinearizationRow>();

        // (a) from scratch: every weight trained, inputs pixels / 255.
        using (var network = ProbeNetworks.Build(new MlpSpec(784, new[] { 128 }, 10, Activation.Relu), seed))
        {
            var (x, xTest) = (pixels / 255.0, testPixels / 255.0);
            var estimate = LeaveOneOutChanges.Estimated(network, x, xTest, targets, new NtkOptions(), steps, lambda, out double eta);
            var real = RetrainMlp(network, x, xTest, targets, leftOut, steps, lambda, eta, out string check);
            rows.Add(new("(a) MLP from scratch", real, estimate.First(leftOut),
                $"eta {eta:G3}; {check}; flipped: median weight change {LinearizationTable.Median(real.Weight, flipped)} vs clean " +
                $"{LinearizationTable.Median(real.Weight, Enumerable.Range(0, leftOut).Except(flipped))}"));
        }

        // (b) fine-tuned head: the pretrained network takes raw pixels (Pretraining folds the 1/255 into its first layer).
        using (var network = Pretraining.Train(FashionMnist.Test(), new[] { 128 }, epochs: 3, seed: 7, out double accuracy))
        {
            var head = LinearHead.Problem(network, pixels, targets, testPixels);
            var estimate = LeaveOneOutChanges.Estimated(network, pixels, testPixels, targets, new NtkOptions { Selection = ParameterSelection.LastLayers(1) },
                steps, lambda, out double eta);
            var real = HeadRetraining.Run(network, head, leftOut, steps, lambda, eta);
            rows.Add(new("(b) last layer of a pretrained MLP", real, estimate.First(leftOut), $"eta {eta:G3}; pretrained 3 epochs on t10k, accuracy {accuracy:P1}"));
        }

        // (c) the whole pretrained network fine-tuned; its first layer unfolded (x 255) to train on pixels / 255 as (a) does,
        // so that the two regimes differ only in the starting weights.
        using (var pretrained = Pretraining.Train(FashionMnist.Test(), new[] { 128 }, epochs: 3, seed: 7, out double accuracy))
        using (var network = ProbeNetworks.Build(new MlpSpec(784, new[] { 128 }, 10, Activation.Relu), seed))
        {
            network.load_state_dict(pretrained.state_dict());
            using (no_grad()) network.children().OfType<Linear>().First().weight!.mul_(255.0);
            var (x, xTest) = (pixels / 255.0, testPixels / 255.0);
            var estimate = LeaveOneOutChanges.Estimated(network, x, xTest, targets, new NtkOptions(), steps, lambda, out double eta);
            var real = RetrainMlp(network, x, xTest, targets, leftOut, steps, lambda, eta, out string check);
            rows.Add(new("(c) whole pretrained MLP fine-tuned", real, estimate.First(leftOut),
                $"eta {eta:G3}; {check}; pretrained 3 epochs on t10k, accuracy {accuracy:P1}"));
        }

        LinearizationTable.Print(rows);
        LinearizationTable.Plot("linearization", rows);
        Console.WriteLine($"total {clock.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>
    /// Full-batch GD of the real (nonlinear) MLP, once on all samples and once without each of the first leftOut, batched
    /// over runs. Exact reparameterization: the first layer's gradient dH^T X (plus decay) always lies in the row space of X,
    /// so W1 = W1(0) + A X and X W1^T = X W1(0)^T + (X X^T) A^T; iterating A (128 x n) instead of W1 (128 x 784) is the same
    /// arithmetic with a third of the flops. Checked against autograd on the module for the full run.
    /// </summary>
    private static LeaveOneOutChanges RetrainMlp(Sequential network, Tensor x, Tensor xTest, Tensor y, int leftOut, int steps, double lambda,
        double eta, out string check)
    {
        using var scope = NewDisposeScope();
        var linears = network.children().OfType<Linear>().ToArray();
        var (w1, b1, w2, b2) = (linears[0].weight!.detach(), linears[0].bias!.detach(), linears[1].weight!.detach(), linears[1].bias!.detach());
        long n = x.shape[0];
        var gram = x.matmul(x.t());
        var p0 = x.matmul(w1.t()) + b1;
        var gramTest = xTest.matmul(x.t());
        var p0Test = xTest.matmul(w1.t()) + b1;

        int runs = leftOut + 1;                                  // run r < leftOut drops sample r; the last one keeps all
        var mask = ones(runs, n, 1, dtype: float64);
        for (int r = 0; r < leftOut; r++) mask[r, r, 0].fill_(0.0);
        var a = zeros(runs, w1.shape[0], n, dtype: float64);
        var db1 = zeros(runs, 1, b1.shape[0], dtype: float64);
        var v2 = w2.unsqueeze(0).repeat(runs, 1, 1);
        var c2 = b2.reshape(1, 1, -1).repeat(runs, 1, 1);
        using (no_grad())
            for (int t = 0; t < steps; t++)
            {
                using var step = NewDisposeScope();
                var h = p0 + gram.matmul(a.transpose(1, 2)) + db1;  // (runs, n, 128)
                var z = nn.functional.relu(h);
                var residual = mask * (z.matmul(v2.transpose(1, 2)) + c2 - y);
                var dh = residual.matmul(v2) * h.gt(0).to(float64);
                var gradV2 = residual.transpose(1, 2).matmul(z) + lambda * (v2 - w2);
                var gradC2 = residual.sum(dim: 1, keepdim: true) + lambda * (c2 - b2);
                a.sub_(eta * (dh.transpose(1, 2) + lambda * a));
                db1.sub_(eta * (dh.sum(dim: 1, keepdim: true) + lambda * db1));
                v2.sub_(eta * gradV2);
                c2.sub_(eta * gradC2);
            }

        var full = runs - 1;
        var da = a - a[full];
        var dw1Squared = (da.matmul(gram) * da).sum(new long[] { 1, 2 });  // ||dA X||_F^2 without forming dA X
        var weight = dw1Squared + (db1 - db1[full]).square().sum(new long[] { 1, 2 }) + (v2 - v2[full]).square().sum(new long[] { 1, 2 })
                     + (c2 - c2[full]).square().sum(new long[] { 1, 2 });
        var outputs = nn.functional.relu(p0Test + gramTest.matmul(a.transpose(1, 2)) + db1).matmul(v2.transpose(1, 2)) + c2;
        var prediction = (outputs - outputs[full]).square().sum(2).mean(new long[] { 1 });

        // Same run through autograd on the module itself: the reparameterized iteration must reproduce it.
        var copy = ProbeNetworks.Build(new MlpSpec(784, new[] { (int)w1.shape[0] }, 10, Activation.Relu), 0);
        copy.load_state_dict(network.state_dict());
        var start = copy.parameters().Select(q => q.detach().clone()).ToArray();
        for (int t = 0; t < steps; t++)
        {
            using var step = NewDisposeScope();
            var parameters = copy.parameters().ToArray();
            var loss = 0.5 * (copy.call(x) - y).square().sum();
            for (int q = 0; q < parameters.Length; q++) loss = loss + 0.5 * lambda * (parameters[q] - start[q]).square().sum();
            var grads = autograd.grad(new[] { loss }, parameters);
            using (no_grad())
                for (int q = 0; q < parameters.Length; q++) parameters[q].sub_(eta * grads[q]);
        }
        using (no_grad())
        {
            var copyLinears = copy.children().OfType<Linear>().ToArray();
            double error = (copyLinears[0].weight! - (w1 + a[full].matmul(x))).abs().max().item<double>();
            error = Math.Max(error, (copyLinears[1].weight! - v2[full]).abs().max().item<double>());
            double loss0 = 0.5 * (network.call(x) - y).square().sum().item<double>(), lossT = 0.5 * (copy.call(x) - y).square().sum().item<double>();
            check = $"full-run training loss {loss0:F1} -> {lossT:F1}; autograd vs batched iteration max weight difference {error:G2}";
        }
        copy.Dispose();
        return new LeaveOneOutChanges(weight.narrow(0, 0, leftOut).data<double>().ToArray(), prediction.narrow(0, 0, leftOut).data<double>().ToArray());
    }
}
