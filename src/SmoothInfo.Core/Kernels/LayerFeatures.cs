using static TorchSharp.torch;

namespace SmoothInfo.Kernels;

/// <summary>
/// What one linearized layer contributes to the kernel, for a block of b samples with k outputs each, in a form whose
/// Gram product with another block gives that layer's part of J J^T: a (b*k, b'*k) sample-major block.
/// The products are written in place into the kernel's own memory (BLAS with a leading dimension): at n*k = 20,000
/// every temporary of the kernel's size costs seconds of page faults and memory traffic.
/// </summary>
internal abstract class LayerFeatures : IDisposable
{
    public abstract long Bytes { get; }

    /// <summary>
    /// Writes (overwrite) or adds this layer's Gram block against the columns into target, (b*k, b'*k), which may be a
    /// strided view; scratch is a contiguous buffer of at least target's size.
    /// </summary>
    public abstract void AccumulateGram(LayerFeatures columns, Tensor target, Tensor scratch, bool overwrite);

    /// <summary>
    /// The class-shared form: sum over outputs c of the (i,c), (j,c) entries, (b, b'), written or added into target.
    /// Dividing by k gives the average diagonal block, the n x n kernel K with Theta ~ K (x) I_k.
    /// </summary>
    public abstract void AccumulateSharedGram(LayerFeatures columns, Tensor target, bool overwrite);

    public abstract void Dispose();

    public abstract void DetachFromDisposeScope();

    protected static long BytesOf(Tensor? t) => t is null ? 0 : t.numel() * t.element_size();
}

/// <summary>
/// A Linear layer y = W a + b. The per-sample Jacobian of output c of sample i with respect to W is g_ic a_i^T, with
/// g_ic = d f_c(x_i) / d y_i; with respect to b it is g_ic. So the layer's kernel entry is
/// (g_ic . g_jc') (a_i . a_j + 1): two small Gram products and never the d-dimensional Jacobian.
/// </summary>
internal sealed class DenseLayerFeatures : LayerFeatures
{
    /// <param name="inputs">(b, in) layer inputs a, or null when the weight is not linearized.</param>
    /// <param name="outputGradients">(b, k, out) gradients g of every output with respect to the layer's output.</param>
    /// <param name="biasSelected">whether the bias is linearized (adds 1 to the input Gram).</param>
    public DenseLayerFeatures(Tensor? inputs, Tensor outputGradients, bool biasSelected)
    {
        Inputs = inputs;
        OutputGradients = outputGradients;
        BiasSelected = biasSelected;
    }

    public Tensor? Inputs { get; }
    public Tensor OutputGradients { get; }
    public bool BiasSelected { get; }

    public override long Bytes => BytesOf(Inputs) + BytesOf(OutputGradients);

    public override void AccumulateGram(LayerFeatures columns, Tensor target, Tensor scratch, bool overwrite)
    {
        var other = (DenseLayerFeatures)columns;
        long b = OutputGradients.shape[0], k = OutputGradients.shape[1], c = other.OutputGradients.shape[0];
        using var rowsG = OutputGradients.reshape(b * k, -1);
        using var colsG = other.OutputGradients.reshape(c * k, -1);
        using var colsT = colsG.t();
        if (Inputs is null)
        {
            target.addmm_(rowsG, colsT, beta: overwrite ? 0 : 1, alpha: 1);
            return;
        }
        using var inputGram = Inputs.matmul(other.Inputs!.t());
        if (BiasSelected) inputGram.add_(1.0);
        using var factor = inputGram.view(b, 1, c, 1);
        using var product = overwrite ? target.view(b * k, c * k) : scratch.narrow(0, 0, b * k * c * k).view(b * k, c * k);
        product.addmm_(rowsG, colsT, beta: 0, alpha: 1);
        using (var blocks = product.view(b, k, c, k)) blocks.mul_(factor);
        if (!overwrite) target.add_(product);
    }

    /// <summary>sum_c (g_ic . g_jc) = vec(G_i) . vec(G_j), times the input Gram: one (b x k*out)(k*out x b') product.</summary>
    public override void AccumulateSharedGram(LayerFeatures columns, Tensor target, bool overwrite)
    {
        var other = (DenseLayerFeatures)columns;
        using var rowsG = OutputGradients.reshape(OutputGradients.shape[0], -1);
        using var colsG = other.OutputGradients.reshape(other.OutputGradients.shape[0], -1);
        using var colsT = colsG.t();
        if (Inputs is null)
        {
            target.addmm_(rowsG, colsT, beta: overwrite ? 0 : 1, alpha: 1);
            return;
        }
        using var product = rowsG.matmul(colsT);
        using var inputGram = Inputs.matmul(other.Inputs!.t());
        if (BiasSelected) inputGram.add_(1.0);
        product.mul_(inputGram);
        if (overwrite) target.copy_(product);
        else target.add_(product);
    }

    public override void DetachFromDisposeScope()
    {
        Inputs?.DetachFromDisposeScope();
        OutputGradients.DetachFromDisposeScope();
    }

    public override void Dispose()
    {
        Inputs?.Dispose();
        OutputGradients.Dispose();
    }
}

/// <summary>
/// A layer whose per-sample gradients are formed explicitly, (b, k, d_layer): used for Conv2d, where the per-sample
/// weight gradient is a sum over positions (g_ic U_i^T with U_i the unfolded input) and forming it costs less than the
/// position-by-position Gram product when the layer has few weights and many positions, as in small CNNs.
/// </summary>
internal sealed class PerSampleGradientFeatures : LayerFeatures
{
    public PerSampleGradientFeatures(Tensor gradients) => Gradients = gradients;

    public Tensor Gradients { get; }

    public override long Bytes => BytesOf(Gradients);

    public override void AccumulateGram(LayerFeatures columns, Tensor target, Tensor scratch, bool overwrite)
    {
        var other = (PerSampleGradientFeatures)columns;
        using var rows = Gradients.reshape(Gradients.shape[0] * Gradients.shape[1], -1);
        using var cols = other.Gradients.reshape(other.Gradients.shape[0] * other.Gradients.shape[1], -1);
        using var colsT = cols.t();
        target.addmm_(rows, colsT, beta: overwrite ? 0 : 1, alpha: 1);
    }

    public override void AccumulateSharedGram(LayerFeatures columns, Tensor target, bool overwrite)
    {
        var other = (PerSampleGradientFeatures)columns;
        using var rows = Gradients.reshape(Gradients.shape[0], -1);
        using var cols = other.Gradients.reshape(other.Gradients.shape[0], -1);
        using var colsT = cols.t();
        target.addmm_(rows, colsT, beta: overwrite ? 0 : 1, alpha: 1);
    }

    public override void DetachFromDisposeScope() => Gradients.DetachFromDisposeScope();

    public override void Dispose() => Gradients.Dispose();
}

/// <summary>The features of every linearized layer for one block of samples.</summary>
internal sealed class BlockFeatures : IDisposable
{
    public BlockFeatures(IReadOnlyList<LayerFeatures> layers, long samples, long outputs)
    {
        Layers = layers;
        Samples = samples;
        Outputs = outputs;
    }

    public IReadOnlyList<LayerFeatures> Layers { get; }
    public long Samples { get; }
    public long Outputs { get; }
    public long Bytes => Layers.Sum(l => l.Bytes);

    /// <summary>Writes this block's rows against the columns' samples, summed over layers, into target (Samples*k, columns.Samples*k).</summary>
    public void WriteGram(BlockFeatures columns, Tensor target, Tensor scratch)
    {
        for (int l = 0; l < Layers.Count; l++) Layers[l].AccumulateGram(columns.Layers[l], target, scratch, overwrite: l == 0);
    }

    /// <summary>Writes the class-shared block (sum over outputs), (Samples, columns.Samples), into target.</summary>
    public void WriteSharedGram(BlockFeatures columns, Tensor target)
    {
        for (int l = 0; l < Layers.Count; l++) Layers[l].AccumulateSharedGram(columns.Layers[l], target, overwrite: l == 0);
    }

    public void Dispose()
    {
        foreach (var layer in Layers) layer.Dispose();
    }
}
