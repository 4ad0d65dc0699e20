using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>
/// n training images of the Fashion-MNIST train split (pixels in [0, 255], (n, 784)), the next heldOut images, and the
/// training labels with planted flips among the first <c>among</c> samples (a linearization run retrains without those, so
/// the range of changes includes the large ones of mislabeled samples; the other experiments flip among all n).
/// </summary>
public sealed record FlippedSubset(Tensor Pixels, Tensor TestPixels, long[] Labels, Tensor Targets, IReadOnlySet<int> Flipped)
{
    public static FlippedSubset Make(int n, int among, int heldOut, int flips, int seed)
    {
        var train = FashionMnist.Train();
        var random = new Random(seed);
        var order = Enumerable.Range(0, train.Count).ToArray();
        random.Shuffle(order);
        var labels = order.Take(n).Select(r => (long)train.Labels[r]).ToArray();
        var flipped = Enumerable.Range(0, among).OrderBy(_ => random.Next()).Take(flips).ToHashSet();
        foreach (int i in flipped) labels[i] = (labels[i] + 1 + random.Next(9)) % 10;
        return new FlippedSubset(FashionMnist.Pixels(train, order.Take(n)), FashionMnist.Pixels(train, order.Skip(n).Take(heldOut)), labels,
            nn.functional.one_hot(tensor(labels), 10).to(float64), flipped);
    }
}
