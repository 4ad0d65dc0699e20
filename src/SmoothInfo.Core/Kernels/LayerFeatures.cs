using static TorchSharp.torch;

namespace SmoothInfo.Kernels;

/// <summary>
/// What one linearized layer contributes to the kernel, for a block of b samples with k outputs each, in a form whose
/// Gram product with another block gives that layer's part of J J^T: a (b*k, b'*k) sample-major block.
/// </summary>
internal abstract class LayerFeatures : IDisposable
{
    public abstract long Bytes { get; }

    public abstract Tensor Gram(LayerFeatures columns);

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

    public override Tensor Gram(LayerFeatures columns)
    {
        var other = (DenseLayerFeatures)columns;
        long b = OutputGradients.shape[0], k = OutputGradients.shape[1], c = other.OutputGradients.shape[0];
        using var rowsG = OutputGradients.reshape(b * k, -1);
        using var colsG = other.OutputGradients.reshape(c * k, -1);
        var product = rowsG.matmul(colsG.t());
        if (Inputs is null) return product;
        using var inputGram = Inputs.matmul(other.Inputs!.t());
        if (BiasSelected) inputGram.add_(1.0);
        using var blocks = product.view(b, k, c, k);
        blocks.mul_(inputGram.view(b, 1, c, 1));
        return product;
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

    public override Tensor Gram(LayerFeatures columns)
    {
        var other = (PerSampleGradientFeatures)columns;
        using var rows = Gradients.reshape(Gradients.shape[0] * Gradients.shape[1], -1);
        using var cols = other.Gradients.reshape(other.Gradients.shape[0] * other.Gradients.shape[1], -1);
        return rows.matmul(cols.t());
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

    /// <summary>This block's rows against the columns' samples: (Samples*k, columns.Samples*k), summed over layers.</summary>
    public Tensor Gram(BlockFeatures columns)
    {
        var sum = Layers[0].Gram(columns.Layers[0]);
        for (int l = 1; l < Layers.Count; l++)
        {
            using var part = Layers[l].Gram(columns.Layers[l]);
            sum.add_(part);
        }
        return sum;
    }

    public void Dispose()
    {
        foreach (var layer in Layers) layer.Dispose();
    }
}
