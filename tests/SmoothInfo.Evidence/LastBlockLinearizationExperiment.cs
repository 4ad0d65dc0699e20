using System.Diagnostics;
using SmoothInfo.Models.Backbones;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>
/// Issues 12 (a) and 17: linearized leave-one-out against real retraining for the pretrained ResNet-18's last BasicBlock
/// and a new Linear head, the paper's fine-tuning regime. The backbone is the ONNX ResNet-18 the gate serves, ported to
/// TorchSharp (<see cref="ResNet18Network"/>): everything before the last block is frozen and run once per image; the
/// last block (two 3x3 convolutions of 512 channels and their batch-norm scales and shifts, 4.7 million weights, from
/// their ImageNet values) and the head (standard initialization at the seed) are trained. Same objective as the other
/// rows of (a): full-batch GD, sum loss, weight decay toward w0, t steps, eta half the stability limit of the NTK at w0.
/// The estimate is the estimator's closed form on the exact NTK of block and head at w0 (<see cref="LastBlockNtk"/>); the
/// real change retrains the nonlinear block and head through autograd without each of the first samples.
/// Images are resized to <c>size</c> (64: the last block runs on 2 x 2 maps; at 224 its 7 x 7 maps would make every
/// retraining step 12 times dearer, see docs/paper.md).
/// </summary>
public static class LastBlockLinearizationExperiment
{
    private const int Classes = 10;

    public static void Run(int n, int leftOut, int heldOut, int steps, double lambda, int flips, int[] seeds, int size)
    {
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"n {n}, left out {leftOut} (first ones, {flips} flipped labels among them), held out {heldOut}, {steps} full-batch GD steps, " +
                          $"weight decay {lambda} toward w0, sum loss, images at {size}x{size}, seeds {string.Join(",", seeds)}");
        using var resnet = new ResNet18Network();
        Sequential Build(long seed) => LastBlockNetwork.Build(resnet.Graph, resnet.LastBlockInput, resnet.LastBlockOutput, ResNet18Network.Dimension, Classes, seed);
        var rows = new List<LinearizationRow>();
        foreach (int seed in seeds)
        {
            using var scope = NewDisposeScope();
            var started = clock.Elapsed;
            var data = FlippedSubset.Make(n, leftOut, heldOut, flips, seed);
            var (x, xTest) = (Frozen(resnet, data.Pixels, size), Frozen(resnet, data.TestPixels, size));
            var frozen = clock.Elapsed;
            using var network = Build(seed);
            var theta = LastBlockNtk.Kernel(network, cat(new[] { x, xTest }));
            long nk = (long)n * Classes;
            Tensor f0, f0Test;
            using (no_grad()) (f0, f0Test) = (network.call(x), network.call(xTest));
            var estimate = LeaveOneOutChanges.FromKernels(theta.narrow(0, 0, nk).narrow(1, 0, nk), theta.narrow(0, nk, (long)heldOut * Classes).narrow(1, 0, nk),
                f0, f0Test, data.Targets, steps, lambda, out double eta);
            var estimated = clock.Elapsed;
            var real = NetworkRetraining.Run(network, () => Build(0), x, xTest, data.Targets, leftOut, steps, lambda, eta, out string check);
            rows.Add(new($"ResNet-18 last block + head, seed {seed}", real, estimate.First(leftOut),
                $"eta {eta:G3}; {check}; {LinearizationTable.FlippedAgainstClean(real, data.Flipped, leftOut)}; frozen part {(frozen - started).TotalSeconds:F0} s, " +
                $"kernel and estimate {(estimated - frozen).TotalSeconds:F0} s, retraining {(clock.Elapsed - estimated).TotalSeconds:F0} s"));
        }
        LinearizationTable.Print(rows);
        LinearizationTable.Plot("linearization-last-block", rows);
        Console.WriteLine($"total {clock.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>
    /// The frozen network's output, the last block's input, for grey images given as (rows, 784) pixels on the 0..255
    /// scale: replicated to RGB and resized as the gate does (<see cref="BackboneInput"/>), preprocessed, float64.
    /// </summary>
    private static Tensor Frozen(ResNet18Network resnet, Tensor pixels, int size)
    {
        const int batch = 50;
        using var body = resnet.Cut(resnet.NetworkInput, resnet.LastBlockInput).to(float64);
        var parts = new List<Tensor>();
        var input = new float[3 * size * size];
        for (long first = 0; first < pixels.shape[0]; first += batch)
        {
            long count = Math.Min(batch, pixels.shape[0] - first);
            var images = new double[count * input.Length];
            for (long i = 0; i < count; i++)
            {
                BackboneInput.Fill(pixels[first + i].to(float32).data<float>().ToArray(), new ImageLayout(1, 28, 28), 1f, size, input);
                for (int j = 0; j < input.Length; j++) images[i * input.Length + j] = input[j];
            }
            using (no_grad()) parts.Add(body.call(resnet.Preprocess(tensor(images).reshape(count, 3, size, size))));
        }
        return cat(parts);
    }
}
