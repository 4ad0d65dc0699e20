using SmoothInfo.Data;
using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>Debian's dataset-fashion-mnist (MIT licence), read with the product's own IDX reader.</summary>
public static class FashionMnist
{
    public const string Folder = "/usr/share/datasets/fashion-mnist";

    public static readonly string[] ClassNames =
        { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };

    /// <summary>The 60,000 training images as pixels in [0, 255] and their labels.</summary>
    public static Dataset Train() => Read("train", 60000);

    /// <summary>The 10,000 test images: disjoint from every training subset, so a model trained on them is "pretrained elsewhere".</summary>
    public static Dataset Test() => Read("t10k", 10000);

    /// <summary>The chosen rows' pixels in [0, 255] as a (rows, 784) float64 tensor.</summary>
    public static Tensor Pixels(Dataset data, IEnumerable<int> rows) =>
        tensor(rows.SelectMany(r => data[r].Features.ToArray().Select(v => (double)v)).ToArray()).reshape(-1, data.FeatureCount);

    /// <summary>The chosen rows' class indices.</summary>
    public static Tensor Labels(Dataset data, IEnumerable<int> rows) => tensor(rows.Select(r => (long)data.Labels[r]).ToArray());

    private static Dataset Read(string split, int count)
    {
        string images = Path.Combine(Folder, $"{split}-images-idx3-ubyte.gz");
        if (!File.Exists(images))
            throw new FileNotFoundException($"{images} is missing: install Debian's package (apt-get install dataset-fashion-mnist).");
        var policy = new DatasetPolicy(DatasetFormat.Idx, images, Path.Combine(Folder, $"{split}-labels-idx1-ubyte.gz"), "label",
            Array.Empty<string>(), null, null, "image", Array.Empty<string>(), new PreprocessingPolicy(FeatureScaling.None, null, 1));
        return DatasetReader.Read(policy, count);
    }
}
