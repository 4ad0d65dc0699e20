using System.Text.Encodings.Web;
using System.Text.Json;

namespace SmoothInfo.Evidence;

/// <summary>
/// A planted dataset of the out-of-the-box benchmark as written to disk, its (planted) features and labels in memory, and the
/// truth. DrawnFrom: for Fashion-MNIST, the training-split rows the set's images came from (the reference classifier never sees them).
/// </summary>
public sealed record PlantedSet(string Dataset, int Seed, string Folder, string DataFile, double[][] Features, int[] Labels, int Classes,
    IReadOnlyList<Truth> Truth, IReadOnlyList<int>? DrawnFrom = null)
{
    /// <summary>Each sample's planted kind; null: clean.</summary>
    public string?[] Kinds()
    {
        var kinds = new string?[Labels.Length];
        foreach (var t in Truth) kinds[t.Index] = t.Kind;
        return kinds;
    }
}

/// <summary>Plants a dataset served on this machine and writes it as a user would hand it to `smoothinfo init`, with truth.json beside it.</summary>
public static class OutOfBoxSets
{
    public static PlantedSet Make(string dataset, int seed, string outDir)
    {
        string folder = Path.GetFullPath(Path.Combine(outDir, $"{dataset}-seed{seed}"));
        Directory.CreateDirectory(folder);
        var set = dataset == "fashion-mnist" ? Fashion(seed, folder) : Table(dataset, seed, folder);
        File.WriteAllText(Path.Combine(folder, "truth.json"), JsonSerializer.Serialize(
            new { set.Dataset, set.Seed, Rows = set.Labels.Length, set.Truth },
            new JsonSerializerOptions
            {
                WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
                Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,   // "->" stays readable in the details
            }) + "\n");
        return set;
    }

    private static PlantedSet Table(string dataset, int seed, string folder)
    {
        var table = SklearnData.Load(dataset);
        var planted = TabularPlants.Make(table.Features, table.Labels, table.ClassNames, table.Pixels, seed);
        string file = Path.Combine(folder, dataset + ".csv");
        SklearnData.WriteCsv(file, table with { Features = planted.Features, Labels = planted.Labels });
        return new PlantedSet(dataset, seed, folder, file, planted.Features, planted.Labels, table.ClassNames.Length, planted.Truth);
    }

    /// <summary>
    /// 2,000 Fashion-MNIST images: Plants.Make's uniform flips, corruptions and PGD poisons (2% each), then as many
    /// confusable flips (to the nearest class mean, as on the tables) on other clean images, 4% flips in all.
    /// </summary>
    private static PlantedSet Fashion(int seed, string folder)
    {
        const int count = 2000, share = 40, pixels = 784;
        var train = FashionMnist.Train();
        var subset = Plants.Make(train, count, flips: share, corrupted: share, adversarial: share, seed);
        var features = Enumerable.Range(0, count).Select(i => subset.Images.AsSpan(i * pixels, pixels).ToArray().Select(b => (double)b).ToArray()).ToArray();
        var labels = subset.Labels;
        var truth = subset.Planted.Select(p => new Truth(p.Index, p.Kind, $"{p.Detail} ({p.OriginalLabel} -> {p.Label})")).ToList();

        // Class means of the images as drawn, before any planting.
        var clean = subset.Chosen.Select(i => train[i].Features.ToArray().Select(v => (double)v).ToArray()).ToArray();
        var nearest = TabularPlants.NearestClass(clean, subset.Chosen.Select(i => train.Labels[i]).ToArray(), 10);
        var candidates = Enumerable.Range(0, count).Except(truth.Select(t => t.Index)).ToArray();
        new Random(seed).Shuffle(candidates);
        foreach (int i in candidates.Take(share))
        {
            int original = labels[i];
            labels[i] = nearest[original];
            truth.Add(new Truth(i, "mislabeled", $"confusable: nearest class mean ({FashionMnist.ClassNames[original]} -> {FashionMnist.ClassNames[labels[i]]})"));
        }

        string images = Path.Combine(folder, "train-images-idx3-ubyte.gz");
        IdxWriter.Write(images, new[] { count, 28, 28 }, subset.Images);
        IdxWriter.Write(Path.Combine(folder, "train-labels-idx1-ubyte.gz"), new[] { count }, labels.Select(l => (byte)l).ToArray());
        return new PlantedSet("fashion-mnist", seed, folder, images, features, labels, 10, truth.OrderBy(t => t.Index).ToArray(), subset.Chosen);
    }
}
