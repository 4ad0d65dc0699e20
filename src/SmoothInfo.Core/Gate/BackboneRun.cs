using SmoothInfo.Data;
using SmoothInfo.Diagnostics;
using SmoothInfo.Estimation;
using SmoothInfo.Models.Backbones;
using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Gate;

/// <summary>
/// A backbone's features of every sample, in dataset order (n rows of <see cref="ResNet18Features.Dimension"/>), what
/// they are for the solver's reason text, and how many images were embedded on this run (the rest came from the cache).
/// </summary>
public sealed record BackboneFeatures(float[][] Rows, string Description, int Embedded)
{
    /// <summary>
    /// The features at mean 0 and standard deviation 1 each, so a kernel's distance (or a weight decay) weighs every feature
    /// alike rather than the few with large activations; a constant feature carries nothing and becomes 0.
    /// </summary>
    public Tensor Standardized(ScalarType dtype)
    {
        int n = Rows.Length, d = Rows[0].Length;
        var flat = new double[(long)n * d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) flat[(long)i * d + j] = Rows[i][j];
        using var scope = NewDisposeScope();
        var features = tensor(flat, new long[] { n, d });
        var mean = features.mean(new long[] { 0 }, keepdim: true);
        var std = features.std(0, unbiased: false, keepdim: true);
        return ((features - mean) / where(std > 0, std, ones_like(std)) * (std > 0)).to_type(dtype).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The policy's backbone applied to an image dataset (architecture: features before kernels; the estimator sees only the
/// rows). The backbone takes pixels as read: when the policy scales or standardizes features per pixel, the dataset is
/// read again without that (content hashes are taken before preprocessing, so both readings name samples alike).
/// </summary>
public static class BackboneRun
{
    /// <summary>Null when the policy sets no backbone.</summary>
    /// <param name="cacheDirectory">Where the embedding cache lives (the report folder); null: embed every sample.</param>
    public static BackboneFeatures? Embed(SmoothInfoPolicy policy, Dataset dataset, string? cacheDirectory, IProgress<EstimatorProgress>? progress = null)
    {
        if (policy.Model.OnnxBackbone is { } onnx) return EmbedWithOnnx(policy, onnx, dataset, cacheDirectory, progress);
        if (policy.Model.Backbone == Backbone.None) return null;
        string name = KebabCase.Of(policy.Model.Backbone);
        var layout = ImageLayout.Of(dataset.SampleShape) ?? throw new InputException(ErrorCodes.PolicyInconsistent,
            $"'model.backbone: {name}' is an image network, but this dataset's samples have shape [{string.Join(", ", dataset.SampleShape)}]; " +
            "images of shape [height, width] or [channels, height, width] with 1 or 3 channels are expected.",
            "remove 'model.backbone' for data that are not images, or store the images as [n, h, w] or [n, c, h, w] (or as image files).",
            policy.Model.BackboneAt);
        // Pixels as read are needed for the images to embed, and for the scale of arrays (cheap to read again: no decoding).
        bool arrays = policy.Dataset.Format is DatasetFormat.Idx or DatasetFormat.Npy;
        Dataset? pixels = arrays ? PixelsAsRead(policy, dataset) : null;
        float scale = pixels is null ? 1f : PixelScale(pixels);

        using var backbone = new ResNet18Features();
        var (rows, embedded) = Cached(policy, dataset, pixels, cacheDirectory, name, $"{backbone.Identity}; pixels x{scale}", ResNet18Features.Dimension,
            (images, done) => backbone.Embed(images, layout, scale, done), progress);
        string description = $"{name} features (an ImageNet ResNet-18's {ResNet18Features.Dimension} pooled features per image, " +
            $"{(layout.Channels == 1 ? "grey replicated to RGB, " : "")}resized from {layout.Width}x{layout.Height} to {ResNet18Features.InputSize}x{ResNet18Features.InputSize}, standardized per feature)";
        return new BackboneFeatures(rows, description, embedded);
    }

    /// <summary>The user's ONNX network on each sample as read (its own input: the policy's per-feature scaling is for the probe).</summary>
    private static BackboneFeatures EmbedWithOnnx(SmoothInfoPolicy policy, OnnxBackbonePolicy onnx, Dataset dataset, string? cacheDirectory,
        IProgress<EstimatorProgress>? progress)
    {
        using var backbone = OnnxFeatures.Open(onnx, dataset.SampleShape, policy.Locations);
        var (rows, embedded) = Cached(policy, dataset, null, cacheDirectory, "onnx", backbone.Identity, backbone.Dimension, backbone.Embed, progress);
        string description = $"{Path.GetFileName(onnx.Path)} features (the {backbone.Dimension} values of '{onnx.Output}' per sample, standardized per feature)";
        return new BackboneFeatures(rows, description, embedded);
    }

    /// <summary>
    /// Every sample's features in dataset order, from the embedding cache where it holds them (by content hash, taken before
    /// preprocessing, so the dataset as given names the samples) and from <paramref name="embed"/> on the samples as read for
    /// the rest; identical samples (duplicates are common) are embedded once. Returns how many were embedded on this run.
    /// </summary>
    private static (float[][] Rows, int Embedded) Cached(SmoothInfoPolicy policy, Dataset dataset, Dataset? asRead, string? cacheDirectory,
        string name, string identity, int dimension, Func<IReadOnlyList<ReadOnlyMemory<float>>, Action, float[][]> embed, IProgress<EstimatorProgress>? progress)
    {
        string? cacheFile = cacheDirectory is null ? null : Path.Combine(cacheDirectory, EmbeddingCache.FileName(name));
        var cached = cacheFile is null ? new Dictionary<string, float[]>() : EmbeddingCache.Load(cacheFile, identity, dimension);
        var missing = Enumerable.Range(0, dataset.Count).Where(i => !cached.ContainsKey(dataset.ContentHashes[i]))
            .DistinctBy(i => dataset.ContentHashes[i]).ToList();
        if (missing.Count > 0)
        {
            var source = asRead ?? PixelsAsRead(policy, dataset);
            int done = 0;
            var embedded = embed(missing.Select(i => source[i].Features).ToList(),
                () => progress?.Report(new EstimatorProgress($"embedding {missing.Count} samples with {name}", (double)Interlocked.Increment(ref done) / missing.Count)));
            for (int j = 0; j < missing.Count; j++) cached[dataset.ContentHashes[missing[j]]] = embedded[j];
        }
        var rows = Enumerable.Range(0, dataset.Count).Select(i => cached[dataset.ContentHashes[i]]).ToArray();
        var current = dataset.ContentHashes.Distinct().ToList();
        // Rewritten when something was embedded, or when it holds samples the dataset no longer has.
        if (cacheFile is not null && (missing.Count > 0 || cached.Count > current.Count))
            EmbeddingCache.Save(cacheFile, identity, dimension, current.Select(h => KeyValuePair.Create(h, cached[h])));
        return (rows, missing.Count);
    }

    /// <summary>The samples as read, without the policy's per-feature scaling (the backbone takes pixels, not z-scores).</summary>
    private static Dataset PixelsAsRead(SmoothInfoPolicy policy, Dataset dataset)
    {
        if (policy.Dataset.Preprocessing.Features == FeatureScaling.None) return dataset;
        var pixels = DatasetReader.Read(policy.Dataset with { Preprocessing = policy.Dataset.Preprocessing with { Features = FeatureScaling.None } },
            policy.Estimator.MaxSamples);
        if (pixels.Count != dataset.Count || Enumerable.Range(0, dataset.Count).Any(i => pixels.ContentHashes[i] != dataset.ContentHashes[i]))
            throw new InvalidOperationException("the dataset read again without per-feature scaling holds other samples than the first reading");
        return pixels;
    }

    /// <summary>
    /// The factor to the 0..255 scale the network is trained on, for IDX and NPY arrays (image files decode to 0..255): an
    /// array whose every value lies in [0, 1] is taken to be on the unit scale.
    /// </summary>
    internal static float PixelScale(Dataset pixels)
    {
        var row = new float[pixels.FeatureCount];
        for (int i = 0; i < pixels.Count; i++)
        {
            pixels.CopyFeatures(i, 1, row);
            foreach (float v in row)
                if (v < 0f || v > 1f) return 1f;
        }
        return 255f;
    }
}
