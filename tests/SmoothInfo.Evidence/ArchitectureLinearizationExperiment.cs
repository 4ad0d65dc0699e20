using System.Diagnostics;
using SmoothInfo.Gate;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Models.Backbones;
using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>
/// Issue 12 (a): linearized leave-one-out against real retraining beyond the MLP of <see cref="LinearizationExperiment"/>,
/// same objective (full-batch GD, sum loss, weight decay toward w0, t steps, eta half the stability limit), several seeds.
/// CNN: a Conv(8, 3x3)-ReLU-MaxPool-Linear network from scratch on the images averaged down to 14 x 14, every weight
/// trained, retrained through autograd.
/// ResNet-18 head: a new Linear layer on the ImageNet ResNet-18's 512 pooled features (the backbone the gate serves,
/// standardized per feature as the gate does), retrained by <see cref="HeadRetraining"/>; the linearization is exact there.
/// The backbone's last block: <see cref="LastBlockLinearizationExperiment"/>.
/// </summary>
public static class ArchitectureLinearizationExperiment
{
    public static void Run(int n, int leftOut, int heldOut, int steps, double lambda, int flips, int[] seeds)
    {
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"n {n}, left out {leftOut} (first ones, {flips} flipped labels among them), held out {heldOut}, {steps} full-batch GD steps, " +
                          $"weight decay {lambda} toward w0, sum loss, seeds {string.Join(",", seeds)}");
        var rows = new List<LinearizationRow>();
        using var backbone = new ResNet18Features();
        foreach (int seed in seeds)
        {
            var data = FlippedSubset.Make(n, leftOut, heldOut, flips, seed);
            string FlippedAgainstClean(LeaveOneOutChanges real) => LinearizationTable.FlippedAgainstClean(real, data.Flipped, leftOut);

            // On 14 x 14 images (2 x 2 averages): retraining through autograd a run at a time is the cost here.
            var cnn = new CnnSpec(1, 14, 14, new[] { 8 }, 10, Activation.Relu);
            using (var network = ProbeNetworks.Build(cnn, seed))
            {
                Tensor Halved(Tensor pixels) => nn.functional.avg_pool2d(pixels.reshape(-1, 1, 28, 28) / 255.0, 2);
                var (x, xTest) = (Halved(data.Pixels), Halved(data.TestPixels));
                var started = clock.Elapsed;
                var estimate = LeaveOneOutChanges.Estimated(network, x, xTest, data.Targets, new NtkOptions(), steps, lambda, out double eta);
                var estimated = clock.Elapsed;
                var real = NetworkRetraining.Run(network, () => ProbeNetworks.Build(cnn, 0), x, xTest, data.Targets, leftOut, steps, lambda, eta, out string check);
                rows.Add(new($"CNN from scratch, seed {seed}", real, estimate.First(leftOut),
                    $"eta {eta:G3}; {check}; {FlippedAgainstClean(real)}; estimate {(estimated - started).TotalSeconds:F0} s, " +
                    $"retraining {(clock.Elapsed - estimated).TotalSeconds:F0} s"));
            }

            var (features, testFeatures) = Embedded(backbone, data);
            using (var head = ProbeNetworks.Build(new MlpSpec(ResNet18Features.Dimension, Array.Empty<int>(), 10, Activation.Relu), seed))
            {
                var started = clock.Elapsed;
                var estimate = LeaveOneOutChanges.Estimated(head, features, testFeatures, data.Targets, new NtkOptions { Selection = ParameterSelection.LastLayers(1) },
                    steps, lambda, out double eta);
                var real = HeadRetraining.Run(head, LinearHead.Problem(head, features, data.Targets, testFeatures), leftOut, steps, lambda, eta);
                rows.Add(new($"ResNet-18 head, seed {seed}", real, estimate.First(leftOut),
                    $"eta {eta:G3}; {FlippedAgainstClean(real)}; {(clock.Elapsed - started).TotalSeconds:F0} s after embedding"));
            }
        }
        LinearizationTable.Print(rows);
        LinearizationTable.Plot("linearization-architectures", rows);
        Console.WriteLine($"total {clock.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>The backbone's features of the training and held-out images, standardized together as the gate standardizes a dataset.</summary>
    private static (Tensor Train, Tensor Test) Embedded(ResNet18Features backbone, FlippedSubset data)
    {
        var pixels = cat(new[] { data.Pixels, data.TestPixels }).to(float32);
        var images = Enumerable.Range(0, (int)pixels.shape[0]).Select(i => (ReadOnlyMemory<float>)pixels[i].data<float>().ToArray()).ToList();
        var rows = backbone.Embed(images, new ImageLayout(1, 28, 28), 1f);
        var standardized = new BackboneFeatures(rows, "resnet18", rows.Length).Standardized(ScalarType.Float64);
        long n = data.Pixels.shape[0];
        return (standardized.narrow(0, 0, n), standardized.narrow(0, n, standardized.shape[0] - n));
    }
}
