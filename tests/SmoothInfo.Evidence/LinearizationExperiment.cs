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
        var train = FashionMnist.Train();
        var random = new Random(seed);
        var order = Enumerable.Range(0, train.Count).ToArray();
        random.Shuffle(order);
        Tensor Images(IEnumerable<int> rows) => tensor(rows.SelectMany(r => train[r].Features.ToArray().Select(v => (double)v)).ToArray()).reshape(-1, 784);
        var pixels = Images(order.Take(n));
        var testPixels = Images(order.Skip(n).Take(heldOut));
        var labels = order.Take(n).Select(r => (long)train.Labels[r]).ToArray();
        // Planted flips among the left-out samples, so the range of changes includes the large ones of mislabeled samples.
        var flipped = Enumerable.Range(0, leftOut).OrderBy(_ => random.Next()).Take(flips).ToHashSet();
        foreach (int i in flipped) labels[i] = (labels[i] + 1 + random.Next(9)) % 10;
        var targets = nn.functional.one_hot(tensor(labels), 10).to(float64);
        Console.WriteLine($"n {n}, left out {leftOut} (first ones, {flips} flipped labels among them), held out {heldOut}, {steps} full-batch GD steps, " +
                          $"weight decay {lambda} toward w0, sum loss, seed {seed}");

        var rows = new List<(string Regime, Changes Real, Changes Estimate, string Note)>();

        // (a) from scratch: every weight trained, inputs pixels / 255.
        using (var network = ProbeNetworks.Build(new MlpSpec(784, new[] { 128 }, 10, Activation.Relu), seed))
        {
            var (x, xTest) = (pixels / 255.0, testPixels / 255.0);
            var estimate = Estimate(network, x, xTest, targets, new NtkOptions(), steps, lambda, out double eta);
            var real = RetrainMlp(network, x, xTest, targets, leftOut, steps, lambda, eta, out string check);
            rows.Add(("(a) MLP from scratch", real, estimate,
                $"eta {eta:G3}; {check}; flipped: median weight change {Median(real.Weight, flipped)} vs clean {Median(real.Weight, Enumerable.Range(0, leftOut).Except(flipped))}"));
        }

        // (b) fine-tuned head: the pretrained network takes raw pixels (Pretraining folds the 1/255 into its first layer).
        using (var network = Pretraining.Train(FashionMnist.Test(), new[] { 128 }, epochs: 3, seed: 7, out double accuracy))
        {
            var head = LinearHead.Problem(network, pixels, targets, testPixels);
            var estimate = Estimate(network, pixels, testPixels, targets, new NtkOptions { Selection = ParameterSelection.LastLayers(1) }, steps, lambda, out double eta);
            var real = RetrainHead(network, head, leftOut, steps, lambda, eta);
            rows.Add(("(b) last layer of a pretrained MLP", real, estimate,
                $"eta {eta:G3}; pretrained 3 epochs on t10k, accuracy {accuracy:P1}"));
        }

        // (c) the whole pretrained network fine-tuned; its first layer unfolded (x 255) to train on pixels / 255 as (a) does,
        // so that the two regimes differ only in the starting weights.
        using (var pretrained = Pretraining.Train(FashionMnist.Test(), new[] { 128 }, epochs: 3, seed: 7, out double accuracy))
        using (var network = ProbeNetworks.Build(new MlpSpec(784, new[] { 128 }, 10, Activation.Relu), seed))
        {
            network.load_state_dict(pretrained.state_dict());
            using (no_grad()) network.children().OfType<Linear>().First().weight!.mul_(255.0);
            var (x, xTest) = (pixels / 255.0, testPixels / 255.0);
            var estimate = Estimate(network, x, xTest, targets, new NtkOptions(), steps, lambda, out double eta);
            var real = RetrainMlp(network, x, xTest, targets, leftOut, steps, lambda, eta, out string check);
            rows.Add(("(c) whole pretrained MLP fine-tuned", real, estimate,
                $"eta {eta:G3}; {check}; pretrained 3 epochs on t10k, accuracy {accuracy:P1}"));
        }

        Console.WriteLine();
        Console.WriteLine("| regime | weight change Pearson | Spearman | max rel. error | test prediction change Pearson | Spearman | max rel. error |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var (regime, real, estimate, _) in rows)
        {
            var (w, p) = (Compare(real.Weight, estimate.Weight, leftOut), Compare(real.Prediction, estimate.Prediction, leftOut));
            Console.WriteLine($"| {regime} | {w.Pearson:F4} | {w.Spearman:F4} | {w.MaxRelativeError:G3} | {p.Pearson:F4} | {p.Spearman:F4} | {p.MaxRelativeError:G3} |");
        }
        foreach (var (regime, _, _, note) in rows) Console.WriteLine($"{regime}: {note}");
        Plots.Write("linearization-weight.svg", "Weight change without each sample: real retraining vs linearized estimate", "real ||w - w_-i||^2",
            "estimated", rows.Select(c => new Series(c.Regime, c.Real.Weight.Zip(c.Estimate.Weight).Take(leftOut).ToList(), Lines: false)).ToList(),
            logX: true, logY: true, diagonal: true);
        Plots.Write("linearization-prediction.svg", "Held-out prediction change: real retraining vs linearized estimate", "real mean ||f - f_-i||^2",
            "estimated", rows.Select(c => new Series(c.Regime, c.Real.Prediction.Zip(c.Estimate.Prediction).Take(leftOut).ToList(), Lines: false)).ToList(),
            logX: true, logY: true, diagonal: true);
        Console.WriteLine($"total {clock.Elapsed.TotalSeconds:F0} s");
    }

    private sealed record Changes(double[] Weight, double[] Prediction);

    private sealed record Comparison(double Pearson, double Spearman, double MaxRelativeError);

    /// <summary>The estimator on the empirical NTK at the starting weights; eta is half the stability limit, 1 / lambda_max(Theta + lambda I).</summary>
    private static Changes Estimate(Sequential network, Tensor x, Tensor xTest, Tensor targets, NtkOptions ntk, int steps, double lambda, out double eta)
    {
        using var scope = NewDisposeScope();
        Tensor f0, f0Test;
        using (no_grad()) (f0, f0Test) = (network.call(x), network.call(xTest));
        var kernel = EmpiricalNtk.Train(network, x, ntk);
        eta = 1.0 / (LargestEigenvalue(kernel) + lambda);
        var problem = new KernelProblem(kernel, targets, f0, EmpiricalNtk.Cross(network, xTest, x, ntk), f0Test);
        var result = LeaveOneOutEstimator.Estimate(problem, new TrainingRun(eta, steps, lambda, TrainingDynamics.Discrete, LossReduction.Sum));
        return new Changes(result.WeightChange.data<double>().ToArray(), result.TestPredictionChange!.data<double>().ToArray());
    }

    /// <summary>
    /// Full-batch GD of the real (nonlinear) MLP, once on all samples and once without each of the first leftOut, batched
    /// over runs. Exact reparameterization: the first layer's gradient dH^T X (plus decay) always lies in the row space of X,
    /// so W1 = W1(0) + A X and X W1^T = X W1(0)^T + (X X^T) A^T; iterating A (128 x n) instead of W1 (128 x 784) is the same
    /// arithmetic with a third of the flops. Checked against autograd on the module for the full run.
    /// </summary>
    private static Changes RetrainMlp(Sequential network, Tensor x, Tensor xTest, Tensor y, int leftOut, int steps, double lambda,
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
        return new Changes(weight.narrow(0, 0, leftOut).data<double>().ToArray(), prediction.narrow(0, 0, leftOut).data<double>().ToArray());
    }

    /// <summary>Full-batch GD of the last Linear layer (y = W phi + b) on the fixed features, with and without each sample, batched.</summary>
    private static Changes RetrainHead(Sequential network, LinearHeadProblem head, int leftOut, int steps, double lambda, double eta)
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
        return new Changes(weight.narrow(0, 0, leftOut).data<double>().ToArray(), prediction.narrow(0, 0, leftOut).data<double>().ToArray());
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

    private static Comparison Compare(double[] real, double[] estimate, int count)
    {
        var (r, e) = (real.Take(count).ToArray(), estimate.Take(count).ToArray());
        double maxRelative = r.Zip(e, (u, v) => Math.Abs(u - v) / Math.Abs(u)).Max();
        return new Comparison(Pearson(r, e), Pearson(Ranks(r), Ranks(e)), maxRelative);
    }

    private static double Pearson(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average();
        double cov = a.Zip(b, (u, v) => (u - ma) * (v - mb)).Sum();
        return cov / Math.Sqrt(a.Sum(u => (u - ma) * (u - ma)) * b.Sum(v => (v - mb) * (v - mb)));
    }

    /// <summary>Ranks with ties averaged (Spearman = Pearson of ranks).</summary>
    private static double[] Ranks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            for (int j = start; j <= end; j++) ranks[order[j]] = (start + end) / 2.0;
            start = end + 1;
        }
        return ranks;
    }

    private static string Median(double[] values, IEnumerable<int> indices)
    {
        var chosen = indices.Select(i => values[i]).Order().ToArray();
        return chosen[chosen.Length / 2].ToString("G3");
    }
}
