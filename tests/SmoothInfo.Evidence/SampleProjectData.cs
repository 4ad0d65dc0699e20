using System.Text;
using System.Text.Json;
using SkiaSharp;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>
/// Writes sample-project/'s committed inputs: the planted subset as one PNG per sample in a folder per class
/// (data/train/&lt;class&gt;/&lt;index&gt;.png, the layout image-folder datasets use), the truth (planted.json), and
/// the classifier the project serves (model/classifier.safetensors: an MLP trained on the 68,000 Fashion-MNIST images,
/// training and test split, that the subset does not hold).
/// </summary>
public static class SampleProjectData
{
    public static readonly int[] ModelWidths = { 256, 256 };

    /// <summary>Class names as folder names ("T-shirt/top" cannot be one).</summary>
    public static string Folder(string className) => className.Replace('/', '-');

    public static void Write(string project, int seed)
    {
        var subset = Plants.Make(FashionMnist.Train(), count: 2000, flips: 4, corrupted: 3, adversarial: 3, seed);
        string data = Path.Combine(project, "data", "train");
        if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        for (int i = 0; i < subset.Labels.Length; i++)
        {
            string folder = Path.Combine(data, Folder(FashionMnist.ClassNames[subset.Labels[i]]));
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, $"{i:D4}.png"), Png(subset.Images.AsSpan(i * 784, 784)));
        }
        var planted = subset.Planted.Select(p => new
        {
            file = $"data/train/{Folder(p.Label)}/{p.Index:D4}.png",
            p.Kind, p.Detail, originalLabel = p.OriginalLabel, label = p.Label,
        });
        File.WriteAllText(Path.Combine(project, "data", "planted.json"), JsonSerializer.Serialize(
            new { seed, planted }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }) + "\n");

        // The stronger of the two served models the detection benchmark measures (docs/rules-and-reports.md).
        var (pixels, labels) = Pretraining.Disjoint(FashionMnist.Train(), FashionMnist.Test(), subset.Chosen);
        using var network = Pretraining.Train(pixels, labels, ModelWidths, epochs: 20, seed: 7, out double accuracy);
        Directory.CreateDirectory(Path.Combine(project, "model"));
        WriteSafetensors(Path.Combine(project, "model", "classifier.safetensors"), network);
        Console.WriteLine($"wrote {project}: 2000 images, served model accuracy on its training data {accuracy:P1}");
        foreach (var p in subset.Planted) Console.WriteLine($"  {p.Index:D4}: {p.Kind} ({p.Detail}), {p.OriginalLabel} -> {p.Label}");
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
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((long)json.Length));
        file.Write(json);
        foreach (var (_, value) in tensors) file.Write(value.bytes);
    }
}
