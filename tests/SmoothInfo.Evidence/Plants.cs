using System.Text.Json;
using SmoothInfo.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>One planted problem: where, what, and the label before and after.</summary>
public sealed record Plant(int Index, string Kind, string Detail, string OriginalLabel, string Label);

/// <summary>
/// A Fashion-MNIST subset with planted problems, the truth recorded: label flips to another class; corrupted inputs
/// (heavy noise, scrambled pixels, a saturated image); adversarial poisons: an L-infinity PGD perturbation of at most
/// 0.1 toward a target class against a network trained on other clean samples, labelled as that target class.
/// </summary>
public static class Plants
{
    /// <summary>The planted subset; Chosen: each sample's index in the training split it was drawn from.</summary>
    public sealed record Subset(byte[] Images, int[] Labels, IReadOnlyList<Plant> Planted, double SurrogateAccuracy, int[] Chosen);

    /// <param name="plantFrom">Plants go only among samples from this index on (a batch a pull request adds); 0: anywhere.</param>
    public static Subset Make(Dataset train, int count, int flips, int corrupted, int adversarial, int seed, int plantFrom = 0)
    {
        var random = new Random(seed);
        var order = Enumerable.Range(0, train.Count).ToArray();
        random.Shuffle(order);
        var chosen = order.Take(count).ToArray();
        var attackerTraining = order.Skip(count).Take(5000).ToArray();
        const int pixels = 784;
        var images = new byte[count * pixels];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            var source = train[chosen[i]].Features.Span;
            for (int p = 0; p < pixels; p++) images[i * pixels + p] = (byte)source[p];
            labels[i] = train.Labels[chosen[i]];
        }

        var positions = Enumerable.Range(plantFrom, count - plantFrom).OrderBy(_ => random.Next()).Take(flips + corrupted + adversarial).Order().ToArray();
        var kinds = Enumerable.Repeat("mislabeled", flips).Concat(Enumerable.Repeat("corrupted", corrupted))
            .Concat(Enumerable.Repeat("adversarial", adversarial)).OrderBy(_ => random.Next()).ToArray();
        var planted = new List<Plant>();
        string Name(int label) => FashionMnist.ClassNames[label];
        using var surrogate = PixelClassifier.Train(train, attackerTraining, seed, out double accuracy);
        int corruption = 0;
        for (int j = 0; j < positions.Length; j++)
        {
            int i = positions[j], original = labels[i];
            var image = images.AsSpan(i * pixels, pixels);
            switch (kinds[j])
            {
                case "mislabeled":
                    labels[i] = (original + 1 + random.Next(9)) % 10;
                    planted.Add(new Plant(i, "mislabeled", "label flipped to another class", Name(original), Name(labels[i])));
                    break;
                case "corrupted":
                    string detail = Corrupt(image, corruption++ % 3, random);
                    planted.Add(new Plant(i, "corrupted", detail, Name(original), Name(original)));
                    break;
                default:
                    int target = (original + 1 + random.Next(9)) % 10;
                    bool fooled = surrogate.Attack(image, target, epsilon: 0.1);
                    labels[i] = target;
                    planted.Add(new Plant(i, "adversarial", $"PGD L-inf 0.1 toward {Name(target)}; surrogate fooled: {fooled}", Name(original), Name(target)));
                    break;
            }
        }
        return new Subset(images, labels, planted, accuracy, chosen);
    }

    /// <summary>Images as a (count, 784) float64 tensor of raw pixels, labels, and each sample's planted kind (null: clean).</summary>
    public static (Tensor Images, Tensor Labels, string?[] Kinds) AsTensors(Subset subset)
    {
        int count = subset.Labels.Length;
        var kinds = new string?[count];
        foreach (var p in subset.Planted) kinds[p.Index] = p.Kind;
        return (tensor(subset.Images.Select(b => (double)b).ToArray()).reshape(count, 784), tensor(subset.Labels.Select(l => (long)l).ToArray()), kinds);
    }

    private static string Corrupt(Span<byte> image, int kind, Random random)
    {
        switch (kind)
        {
            case 0:
                for (int p = 0; p < image.Length; p++)
                    image[p] = (byte)Math.Clamp(image[p] + 120 * (random.NextDouble() * 2 - 1) * 1.7, 0, 255);
                return "heavy uniform noise";
            case 1:
                var copy = image.ToArray();
                var permutation = Enumerable.Range(0, image.Length).ToArray();
                random.Shuffle(permutation);
                for (int p = 0; p < image.Length; p++) image[p] = copy[permutation[p]];
                return "pixels scrambled";
            default:
                image.Fill(255);
                return "saturated (all white)";
        }
    }

    public static void Save(string folder, Subset subset)
    {
        Directory.CreateDirectory(folder);
        IdxWriter.Write(Path.Combine(folder, "train-images-idx3-ubyte.gz"), new[] { subset.Labels.Length, 28, 28 }, subset.Images);
        IdxWriter.Write(Path.Combine(folder, "train-labels-idx1-ubyte.gz"), new[] { subset.Labels.Length }, subset.Labels.Select(l => (byte)l).ToArray());
        File.WriteAllText(Path.Combine(folder, "planted.json"), JsonSerializer.Serialize(
            new { subset.SurrogateAccuracy, Planted = subset.Planted }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }) + "\n");
    }
}
