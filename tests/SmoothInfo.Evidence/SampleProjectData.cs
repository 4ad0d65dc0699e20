using System.Text;
using System.Text.Json;
using SkiaSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>
/// Writes sample-project/'s committed inputs as a pull request would find them: the repository's data (2,000 real
/// Fashion-MNIST images, no plants) with a baseline `smoothinfo baseline` made on that data alone, and a batch of 500
/// images the pull request adds (490 drawn at random, seeded, from the Fashion-MNIST training images the repository does
/// not hold, and the 10 planted problems); one PNG per sample in a folder per class (data/train/&lt;class&gt;/&lt;index&gt;.png,
/// the batch numbered from 2000), the truth (data/planted.json) and the classifier the project serves
/// (model/classifier.safetensors: an MLP trained on the 67,500 Fashion-MNIST images, training and test split, that
/// neither the repository's data nor the batch holds).
/// </summary>
public static class SampleProjectData
{
    public static readonly int[] ModelWidths = { 256, 256 };
    public const int Existing = 2000, Batch = 500;

    /// <summary>Class names as folder names ("T-shirt/top" cannot be one).</summary>
    public static string Folder(string className) => className.Replace('/', '-');

    public static void Write(string project, int seed)
    {
        var subset = Plants.Make(FashionMnist.Train(), count: Existing + Batch, flips: 4, corrupted: 3, adversarial: 3, seed, plantFrom: Existing);
        string data = Path.Combine(project, "data", "train");
        if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        string File(int i) => $"data/train/{Folder(FashionMnist.ClassNames[subset.Labels[i]])}/{i:D4}.png";

        // The served model first: the baseline is made with it.
        var (pixels, labels) = Pretraining.Disjoint(FashionMnist.Train(), FashionMnist.Test(), subset.Chosen);
        using (var network = Pretraining.Train(pixels, labels, ModelWidths, epochs: 20, seed: 7, out double accuracy))
        {
            Directory.CreateDirectory(Path.Combine(project, "model"));
            WriteSafetensors(Path.Combine(project, "model", "classifier.safetensors"), network);
            Console.WriteLine($"served model: {labels.shape[0]} images, accuracy on its training data {accuracy:P1}");
        }

        WriteImages(project, subset, File, 0, Existing);
        string policy = Path.Combine(project, "smoothinfo.yml");
        var (code, output) = GateRun.Smoothinfo(project, "baseline", "--policy", policy, "--no-progress");
        if (code != 0) throw new InvalidOperationException($"smoothinfo baseline exited {code}:\n{output}");
        Console.Write(output);
        // The baseline's reports and cache describe the repository before the pull request; the build writes its own.
        var artifacts = Path.Combine(project, "artifacts");
        if (Directory.Exists(artifacts)) Directory.Delete(artifacts, recursive: true);

        WriteImages(project, subset, File, Existing, Existing + Batch);
        var planted = subset.Planted.Select(p => new
        {
            file = File(p.Index),
            p.Kind, p.Detail, originalLabel = p.OriginalLabel, label = p.Label,
        });
        var batch = Enumerable.Range(Existing, Batch).Select(File).ToList();
        System.IO.File.WriteAllText(Path.Combine(project, "data", "planted.json"), JsonSerializer.Serialize(
            new { seed, planted, batch }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }) + "\n");
        Console.WriteLine($"wrote {project}: {Existing} images in the repository, a batch of {Batch} with {subset.Planted.Count} planted");
        foreach (var p in subset.Planted) Console.WriteLine($"  {p.Index:D4}: {p.Kind} ({p.Detail}), {p.OriginalLabel} -> {p.Label}");
    }

    private static void WriteImages(string project, Plants.Subset subset, Func<int, string> file, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            string path = Path.Combine(project, file(i));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            System.IO.File.WriteAllBytes(path, Png(subset.Images.AsSpan(i * 784, 784)));
        }
    }

    public static byte[] Png(ReadOnlySpan<byte> pixels)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(28, 28, SKColorType.Gray8, SKAlphaType.Opaque));
        pixels.CopyTo(bitmap.GetPixelSpan());
        using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return encoded.ToArray();
    }

    /// <summary>safetensors as safetensors.torch.save_file writes it: float32, tensors in name order.</summary>
    public static void WriteSafetensors(string path, Sequential network)
    {
        var tensors = network.state_dict().OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => (p.Key, Value: p.Value.detach().to(float32).contiguous())).ToList();
        var header = new Dictionary<string, object>();
        long offset = 0;
        foreach (var (name, value) in tensors)
        {
            long bytes = value.NumberOfElements * 4;
            header[name] = new { dtype = "F32", shape = value.shape, data_offsets = new[] { offset, offset + bytes } };
            offset += bytes;
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        using var file = System.IO.File.Create(path);
        file.Write(BitConverter.GetBytes((long)json.Length));
        file.Write(json);
        foreach (var (_, value) in tensors) file.Write(value.bytes);
    }
}
