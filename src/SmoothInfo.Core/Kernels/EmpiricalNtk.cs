using SmoothInfo.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Kernels;

/// <summary>
/// The exact empirical neural tangent kernel Theta = J J^T of a network linearized at its current weights, sample-major
/// (sample i owns rows i*k .. i*k+k-1), computed layer-wise from Gram products of per-sample quantities (see
/// <see cref="LayerFeatures"/>) without one backward pass per (sample, output) and without forming J; or, with
/// <see cref="NtkOptions.Projection"/>, the kernel of a random projection of J (<see cref="ProjectedNtk"/>).
/// </summary>
public static class EmpiricalNtk
{
    /// <summary>Train x train kernel, (n*k, n*k), exactly symmetric.</summary>
    public static Tensor Train(Sequential network, Tensor inputs, NtkOptions? options = null)
    {
        options ??= new NtkOptions();
        var linearized = LinearizedNetwork.Create(network, options.Selection);
        using var x = Prepare(inputs, linearized, "training inputs");
        if (options.Projection is not null) return ProjectedNtk.Train(network, x, options);
        using var blocks = new SampleBlocks(linearized, x, options, companionSamples: 0);
        long n = x.shape[0], k = blocks.Outputs;
        long rowsPerBlock = blocks.BlockSize * k;
        var kernel = empty(new[] { n * k, n * k }, linearized.DType, linearized.Device);
        using var scratch = empty(rowsPerBlock * rowsPerBlock, linearized.DType, linearized.Device);
        using var diagonal = empty(rowsPerBlock * rowsPerBlock, linearized.DType, linearized.Device);
        long total = (long)blocks.Count * (blocks.Count + 1) / 2, done = 0;
        for (int i = 0; i < blocks.Count; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                using var scope = NewDisposeScope();
                var target = kernel.narrow(0, blocks.Start(i) * k, blocks.Length(i) * k).narrow(1, blocks.Start(j) * k, blocks.Length(j) * k);
                if (i == j)
                {
                    // G G^T of a diagonal block is symmetric only up to rounding in BLAS; average it with its transpose.
                    var square = diagonal.narrow(0, 0, target.shape[0] * target.shape[1]).view(target.shape);
                    blocks.WriteGram(i, blocks, j, square, scratch);
                    target.copy_(square).add_(square.t()).mul_(0.5);
                }
                else
                {
                    blocks.WriteGram(i, blocks, j, target, scratch);
                    kernel.narrow(0, blocks.Start(j) * k, blocks.Length(j) * k).narrow(1, blocks.Start(i) * k, blocks.Length(i) * k).copy_(target.t());
                }
                options.Progress?.Report(new KernelProgress(++done, total));
            }
        }
        return kernel;
    }

    /// <summary>Held-out x train cross kernel J_te J^T, (m*k, n*k).</summary>
    public static Tensor Cross(Sequential network, Tensor heldOut, Tensor train, NtkOptions? options = null)
    {
        options ??= new NtkOptions();
        var linearized = LinearizedNetwork.Create(network, options.Selection);
        using var xTest = Prepare(heldOut, linearized, "held-out inputs");
        using var xTrain = Prepare(train, linearized, "training inputs");
        if (options.Projection is not null) return ProjectedNtk.Cross(network, xTest, xTrain, options);
        using var columns = new SampleBlocks(linearized, xTrain, options, companionSamples: xTest.shape[0]);
        using var rows = new SampleBlocks(linearized, xTest, options, companionSamples: xTrain.shape[0]);
        long m = xTest.shape[0], n = xTrain.shape[0], k = columns.Outputs;
        var kernel = empty(new[] { m * k, n * k }, linearized.DType, linearized.Device);
        using var scratch = empty((long)rows.BlockSize * k * columns.BlockSize * k, linearized.DType, linearized.Device);
        long total = (long)rows.Count * columns.Count, done = 0;
        for (int j = 0; j < columns.Count; j++)
        {
            for (int i = 0; i < rows.Count; i++)
            {
                using var scope = NewDisposeScope();
                var target = kernel.narrow(0, rows.Start(i) * k, rows.Length(i) * k).narrow(1, columns.Start(j) * k, columns.Length(j) * k);
                rows.WriteGram(i, columns, j, target, scratch);
                options.Progress?.Report(new KernelProgress(++done, total));
            }
        }
        return kernel;
    }

    private static Tensor Prepare(Tensor inputs, LinearizedNetwork network, string what)
    {
        if (inputs.dim() < 2 || inputs.shape[0] < 1)
            throw new InputException(ErrorCodes.ShapeMismatch,
                $"the {what} have shape ({string.Join(", ", inputs.shape)}); the kernel needs (samples, features...) with at least one sample.");
        return inputs.to(network.DType, network.Device).contiguous();
    }
}
