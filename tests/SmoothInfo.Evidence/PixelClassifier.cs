using SmoothInfo.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>
/// A 784-256-10 MLP on pixels in [0, 1], trained with Adam on clean samples a planted set does not hold: the attacker's
/// surrogate that PGD runs against, and the out-of-the-box benchmark's reference classifier.
/// </summary>
public sealed class PixelClassifier : IDisposable
{
    private readonly Sequential _network;

    private PixelClassifier(Sequential network) => _network = network;

    public static PixelClassifier Train(Dataset train, int[] indices, int seed, out double accuracy) =>
        Train(stack(indices.Select(i => tensor(train[i].Features.ToArray())).ToList()) / 255f,
            tensor(indices.Select(i => (long)train.Labels[i]).ToArray()), seed, out accuracy);

    /// <param name="x">(n, 784) float32 pixels in [0, 1].</param>
    /// <param name="y">(n) class indices.</param>
    public static PixelClassifier Train(Tensor x, Tensor y, int seed, out double accuracy)
    {
        manual_seed(seed);
        var network = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10));
        long count = x.shape[0];
        var optimizer = optim.Adam(network.parameters(), lr: 1e-3);
        var generator = new Generator().manual_seed(seed);
        for (int epoch = 0; epoch < 8; epoch++)
        {
            var order = randperm(count, generator: generator);
            for (long start = 0; start < count; start += 100)
            {
                using var scope = NewDisposeScope();
                var batch = order.narrow(0, start, Math.Min(100, count - start));
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(network.call(x.index_select(0, batch)), y.index_select(0, batch));
                loss.backward();
                optimizer.step();
            }
        }
        using (no_grad()) accuracy = network.call(x).argmax(1).eq(y).to(float32).mean().item<float>();
        return new PixelClassifier(network);
    }

    /// <summary>Targeted PGD in [0, 1] pixel space: 40 signed-gradient steps of 0.01, projected to the epsilon ball. Returns whether it fools the surrogate.</summary>
    public bool Attack(Span<byte> image, int target, double epsilon)
    {
        using var scope = NewDisposeScope();
        var original = tensor(image.ToArray().Select(b => b / 255f).ToArray()).unsqueeze(0);
        var adversarial = original.clone();
        var goal = tensor(new long[] { target });
        for (int step = 0; step < 40; step++)
        {
            var x = adversarial.detach().requires_grad_(true);
            var loss = nn.functional.cross_entropy(_network.call(x), goal);
            var gradient = autograd.grad(new[] { loss }, new[] { x })[0];
            adversarial = (x - 0.01 * gradient.sign()).detach();
            adversarial = minimum(maximum(adversarial, original - epsilon), original + epsilon).clamp(0, 1);
        }
        var bytes = (adversarial * 255).round().clamp(0, 255).to(ScalarType.Byte).squeeze(0);
        bytes.bytes.CopyTo(image);
        using (no_grad()) return _network.call(bytes.to(float32).unsqueeze(0) / 255f).argmax(1).item<long>() == target;
    }

    /// <summary>Softmax probabilities (n, 10) of (n, 784) float32 pixels in [0, 1].</summary>
    public Tensor Probabilities(Tensor x)
    {
        using (no_grad()) return nn.functional.softmax(_network.call(x), 1);
    }

    public void Dispose() => _network.Dispose();
}
