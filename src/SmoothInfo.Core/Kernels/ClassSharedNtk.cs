using SmoothInfo.Diagnostics;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Kernels;

/// <summary>
/// The class-shared kernel K, (n, n), with Theta ~ K (x) I_k: K[i, j] is the average over outputs c of
/// Theta[(i,c), (j,c)], the off-diagonal output blocks are dropped. The estimator then solves n x n instead of
/// nk x nk systems (k^3 cheaper), and the kernel itself costs k times less to compute.
/// RelativeError is ||Theta - K (x) I_k||_F / ||Theta||_F measured on the first ErrorSamples samples with the exact kernel:
/// the approximation is never silent.
/// </summary>
public sealed record ClassSharedKernel(Tensor Kernel, double RelativeError, long ErrorSamples) : IDisposable
{
    /// <summary>Samples on which the error of the approximation is measured by default (an exact (200 k)^2 kernel).</summary>
    public const int DefaultErrorSamples = 200;

    public void Dispose() => Kernel.Dispose();

    public static ClassSharedKernel Compute(Sequential network, Tensor inputs, NtkOptions? options = null, int errorSamples = DefaultErrorSamples)
    {
        options ??= new NtkOptions();
        if (errorSamples < 1)
            throw new InputException(ErrorCodes.InvalidHyperparameter, $"the class-shared kernel's error needs at least 1 sample (got {errorSamples}).");
        var kernel = Shared(network, inputs, options);
        long m = Math.Min(errorSamples, inputs.shape[0]);
        using var scope = NewDisposeScope();
        var subset = inputs.narrow(0, 0, m);
        var exact = EmpiricalNtk.Train(network, subset, options with { Progress = null });
        var approximation = kron(kernel.narrow(0, 0, m).narrow(1, 0, m), eye(exact.shape[0] / m, dtype: exact.dtype, device: exact.device));
        double error = (linalg.norm(exact - approximation) / linalg.norm(exact)).item<double>();
        return new ClassSharedKernel(kernel, error, m);
    }

    /// <summary>The average over outputs of the diagonal output blocks, (n, n), exactly symmetric.</summary>
    public static Tensor Shared(Sequential network, Tensor inputs, NtkOptions options)
    {
        var linearized = LinearizedNetwork.Create(network, options.Selection);
        using var x = inputs.to(linearized.DType, linearized.Device).contiguous();
        using var blocks = new SampleBlocks(linearized, x, options, companionSamples: 0);
        long n = x.shape[0];
        var kernel = empty(new[] { n, n }, linearized.DType, linearized.Device);
        long total = (long)blocks.Count * (blocks.Count + 1) / 2, done = 0;
        for (int i = 0; i < blocks.Count; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                using var scope = NewDisposeScope();
                var target = kernel.narrow(0, blocks.Start(i), blocks.Length(i)).narrow(1, blocks.Start(j), blocks.Length(j));
                blocks.WriteSharedGram(i, blocks, j, target);
                if (i == j) target.copy_(target.add(target.t()).mul_(0.5));
                else kernel.narrow(0, blocks.Start(j), blocks.Length(j)).narrow(1, blocks.Start(i), blocks.Length(i)).copy_(target.t());
                options.Progress?.Report(new KernelProgress(++done, total));
            }
        }
        kernel.div_(blocks.Outputs);
        return kernel;
    }
}
