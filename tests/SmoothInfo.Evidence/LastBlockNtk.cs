using Onnx;
using SmoothInfo.Models.Backbones;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace SmoothInfo.Evidence;

/// <summary>
/// The exact empirical NTK of a <see cref="LastBlockNetwork"/> at its current weights, every parameter linearized: the
/// block's Conv weights (and biases) and BatchNormalization scales and shifts, and the head. A residual block is no
/// Sequential, so the product's EmpiricalNtk does not take it; this builds the kernel the same way, from Gram products of
/// per-sample factors and never the Jacobian (d = 4.7 million for ResNet-18's last block): per (sample i, output c),
/// g_ic = d f_c(x_i) / d (node output), from one batched backward per output (samples never interact), and
/// - Conv weight: sum over positions p, q of (g_ic[:, p] . g_jc'[:, q]) (u_i[:, p] . u_j[:, q]), u the unfolded input;
/// - Conv bias, BatchNormalization shift: g summed over positions; scale: g times the normalized input, summed;
/// - the head: delta_cc' (a_i . a_j + 1), a the pooled features.
/// Cost grows with the square of samples x outputs x positions, so it suits the small maps of the last block.
/// LastBlockNtkTests checks it against J J^T from per-sample autograd.
/// </summary>
public static class LastBlockNtk
{
    private const int SamplesPerBlock = 25;

    /// <summary>Theta over the samples, sample-major ((n k) x (n k): sample i owns rows i k .. i k + k - 1).</summary>
    public static Tensor Kernel(Sequential network, Tensor x)
    {
        using var scope = NewDisposeScope();
        var (block, head) = LastBlockNetwork.Parts(network);
        var observed = new List<(NodeProto Node, IReadOnlyList<Tensor> Inputs, Tensor Output)>();
        using var grad = enable_grad();
        var maps = block.Run(x, (node, inputs, outputs) =>
        {
            if (node.OpType is "Conv" or "BatchNormalization") observed.Add((node, inputs, outputs[0]));
        });
        var pooled = ResNet18Network.Pooled(maps); // what the network's AdaptiveAvgPool2d(1) and Flatten give
        var f = head.call(pooled);
        long n = x.shape[0], k = f.shape[1];
        CheckCoverage(block, observed);

        // g for every node output: (n, k, channels, positions).
        var perOutput = observed.Select(_ => new List<Tensor>()).ToList();
        for (long c = 0; c < k; c++)
        {
            var grads = autograd.grad(new[] { f.select(1, c).sum() }, observed.Select(o => o.Output).ToList(), retain_graph: true);
            for (int l = 0; l < grads.Count; l++) perOutput[l].Add(grads[l].detach().flatten(2));
        }
        var kernel = zeros(n * k, n * k, dtype: x.dtype);
        using (no_grad())
        {
            var a = pooled.detach();
            kernel.add_(kron(a.matmul(a.t()).add_(1.0), eye(k, dtype: x.dtype)));  // the head
            for (int l = 0; l < observed.Count; l++)
            {
                var (node, inputs, _) = observed[l];
                var g = stack(perOutput[l], 1);
                if (node.OpType == "Conv")
                {
                    AddConvolutionWeight(kernel, node, inputs[0].detach(), g);
                    if (inputs.Count > 2) AddFactorGram(kernel, g.sum(3));
                }
                else
                {
                    var normalized = (inputs[0].detach() - inputs[3].view(1, -1, 1, 1)) / (inputs[4].view(1, -1, 1, 1) + OnnxAttributes.Float(node, "epsilon", 1e-5f)).sqrt();
                    AddFactorGram(kernel, (g * normalized.flatten(2).unsqueeze(1)).sum(3));
                    AddFactorGram(kernel, g.sum(3));
                }
            }
        }
        // Rounding makes the sum of Gram products symmetric only up to ~1e-16 relative; the estimator wants it exact.
        return kernel.add(kernel.t()).mul_(0.5).MoveToOuterDisposeScope();
    }

    /// <summary>J J^T of explicit per-sample factors (n, k, m): each row's m coordinates are its gradient for one parameter.</summary>
    private static void AddFactorGram(Tensor kernel, Tensor factors)
    {
        var rows = factors.reshape(factors.shape[0] * factors.shape[1], -1);
        kernel.addmm_(rows, rows.t());
    }

    /// <summary>
    /// The weight's part, sum_{p,q} (g_ic[:,p] . g_jc'[:,q]) (u_i[:,p] . u_j[:,q]), a block of samples of rows at a time:
    /// the (b k P) x (n k P) product of output gradients is the large temporary.
    /// </summary>
    private static void AddConvolutionWeight(Tensor kernel, NodeProto node, Tensor input, Tensor g)
    {
        if (OnnxAttributes.Int(node, "group", 1) != 1) throw new NotSupportedException($"Conv node '{node.Name}' is grouped");
        long n = g.shape[0], k = g.shape[1], channels = g.shape[2], positions = g.shape[3];
        long[] kernelShape = OnnxAttributes.Ints(node, "kernel_shape", 0);
        long[] strides = OnnxAttributes.Ints(node, "strides", 1, 2), dilations = OnnxAttributes.Ints(node, "dilations", 1, 2);
        var unfolded = F.unfold(F.pad(input, OnnxAttributes.TorchPads(node)), (kernelShape[0], kernelShape[1]), (dilations[0], dilations[1]),
            (0, 0), (strides[0], strides[1]));                                        // (n, C_in kh kw, P)
        if (unfolded.shape[2] != positions) throw new InvalidOperationException($"Conv node '{node.Name}': unfold gives {unfolded.shape[2]} positions, not {positions}");
        var u = unfolded.transpose(1, 2).reshape(n * positions, -1);                  // rows (i, p)
        var gRows = g.transpose(2, 3).reshape(n * k * positions, channels);           // rows (i, c, p)
        var inputGram = u.matmul(u.t()).view(n, 1, positions, n, 1, positions);
        for (long first = 0; first < n; first += SamplesPerBlock)
        {
            using var block = NewDisposeScope();
            long b = Math.Min(SamplesPerBlock, n - first);
            var outputGram = gRows.narrow(0, first * k * positions, b * k * positions).matmul(gRows.t()).view(b, k, positions, n, k, positions);
            var part = (outputGram * inputGram.narrow(0, first, b)).sum(new long[] { 2, 5 });  // (b, k, n, k)
            kernel.narrow(0, first * k, b * k).add_(part.reshape(b * k, n * k));
        }
    }

    /// <summary>Every parameter of the block must be one this kernel linearizes, or the kernel would silently miss it.</summary>
    private static void CheckCoverage(OnnxGraphModule block, List<(NodeProto Node, IReadOnlyList<Tensor> Inputs, Tensor Output)> observed)
    {
        long covered = observed.Sum(o => o.Node.OpType == "Conv" ? o.Inputs.Skip(1).Sum(t => t.numel()) : o.Inputs[1].numel() + o.Inputs[2].numel());
        long all = block.parameters().Sum(p => p.numel());
        if (covered != all) throw new InvalidOperationException($"the kernel linearizes {covered} of the block's {all} parameters");
    }
}
