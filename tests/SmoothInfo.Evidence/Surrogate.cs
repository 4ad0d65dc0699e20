using SmoothInfo.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>The attacker's network (784-256-10, trained on clean samples the subset does not hold) and PGD against it.</summary>
public sealed class Surrogate : IDisposable
{
    private readonly Sequential _network;

    private Surrogate(Sequential network) => _network = network;

    public static Surrogate Train(Dataset train, int[] indices, int seed, out double accuracy)
    {
        manual_seed(seed);
        var network = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10));
        var x = stack(indices.Select(i => tensor(train[i].Features.ToArray())).ToList()) / 255f;
        var y = tensor(indices.Select(i => (long)train.Labels[i]).ToArray());
        var optimizer = optim.Adam(network.parameters(), lr: 1e-3);
        var generator = new Generator().manual_seed(seed);
        for (int epoch = 0; epoch < 8; epoch++)
        {
            var order = randperm(indices.Length, generator: generator);
            for (int start = 0; start < indices.Length; start += 100)
            {
                using var scope = NewDisposeScope();
                var batch = order.narrow(0, start, Math.Min(100, indices.Length - start));
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(network.call(x.index_select(0, batch)), y.index_select(0, batch));
                loss.backward();
                optimizer.step();
            }
        }
        using (no_grad()) accuracy = network.call(x).argmax(1).eq(y).to(float32).mean().item<float>();
        return new Surrogate(network);
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

    public void Dispose() => _network.Dispose();
}
