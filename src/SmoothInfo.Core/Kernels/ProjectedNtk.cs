using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Kernels;

/// <summary>
/// The kernel of the projected Jacobian, Theta_p = J_p J_p^T (and J_te,p J_p^T), when <see cref="NtkOptions.Projection"/>
/// is set: an unbiased estimate of the exact kernel from p columns, for networks too wide for the layer-wise Gram
/// products. J_p ((n k) x p) is formed a block of samples at a time and then held whole, so memory is the kernel plus
/// n k p values (less than the kernel when p &lt; n k, the only case where a projected kernel is worth computing).
/// </summary>
internal static class ProjectedNtk
{
    public static Tensor Train(Sequential network, Tensor x, NtkOptions options)
    {
        var rows = JacobianRows.Projected(network, options.Selection, options.Projection!);
        using var jp = AllRows(rows, x, options);
        long nk = jp.shape[0];
        var kernel = empty(new[] { nk, nk }, jp.dtype, jp.device);
        // Row bands of the lower triangle, each mirrored to the upper one, so that the kernel is exactly symmetric.
        for (long start = 0; start < nk; start += SampleBlocks.MaxBlockRows)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(SampleBlocks.MaxBlockRows, nk - start);
            var band = kernel.narrow(0, start, length).narrow(1, 0, start + length);
            band.addmm_(jp.narrow(0, start, length), jp.narrow(0, 0, start + length).t(), beta: 0);
            var square = band.narrow(1, start, length);
            square.copy_(square.add(square.t()).mul_(0.5));
            kernel.narrow(0, 0, start).narrow(1, start, length).copy_(band.narrow(1, 0, start).t());
        }
        return kernel;
    }

    public static Tensor Cross(Sequential network, Tensor heldOut, Tensor train, NtkOptions options)
    {
        var rows = JacobianRows.Projected(network, options.Selection, options.Projection!);
        using var test = AllRows(rows, heldOut, options with { Progress = null });
        using var jp = AllRows(rows, train, options);
        return test.mm(jp.t());
    }

    /// <summary>J_p of all samples, from blocks whose full rows (b k d values) take at most half the memory budget.</summary>
    private static Tensor AllRows(JacobianRows rows, Tensor x, NtkOptions options)
    {
        long n = x.shape[0];
        var parts = new List<Tensor>();
        try
        {
            parts.Add(rows.Rows(x.narrow(0, 0, 1)));
            long k = parts[0].shape[0];
            long perSample = k * rows.FullDimension * parts[0].element_size();
            long block = options.SamplesPerBlock ?? Math.Clamp(Math.Min(options.MemoryBudgetBytes / 2 / perSample, options.MaxSamplesPerBlock ?? long.MaxValue), 1, n);
            long total = 1 + (n - 1 + block - 1) / block, done = 1;
            options.Progress?.Report(new KernelProgress(done, total));
            for (long first = 1; first < n; first += block)
            {
                parts.Add(rows.Rows(x.narrow(0, first, Math.Min(block, n - first))));
                options.Progress?.Report(new KernelProgress(++done, total));
            }
            return cat(parts, 0);
        }
        finally
        {
            foreach (var part in parts) part.Dispose();
        }
    }
}
