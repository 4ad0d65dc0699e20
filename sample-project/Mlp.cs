using System.Text.Json;

namespace FashionClassifier;

/// <summary>The served network: Linear-ReLU-Linear-ReLU-Linear over the 784 pixels in [0, 255], from a float32 safetensors file.</summary>
public sealed class Mlp
{
    public static readonly string[] ClassNames =
        { "T-shirt-top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };

    private readonly (float[] Weight, float[] Bias, int Inputs, int Outputs)[] _layers;

    private Mlp((float[], float[], int, int)[] layers) => _layers = layers;

    public static Mlp Load(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(file, 0);
        using var header = JsonDocument.Parse(file.AsMemory(8, (int)headerLength));
        float[] Tensor(string name, out int[] shape)
        {
            var entry = header.RootElement.GetProperty(name);
            shape = entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
            var offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
            return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(
                file.AsSpan((int)(8 + headerLength + offsets[0]), (int)(offsets[1] - offsets[0]))).ToArray();
        }
        // PyTorch's Sequential names: Linear layers at 0, 2, 4 with ReLUs between.
        var layers = new[] { "0", "2", "4" }.Select(i =>
        {
            var weight = Tensor($"{i}.weight", out var shape);
            return (weight, Tensor($"{i}.bias", out _), shape[1], shape[0]);
        }).ToArray();
        return new Mlp(layers);
    }

    public float[] Predict(float[] pixels)
    {
        var x = pixels;
        for (int l = 0; l < _layers.Length; l++)
        {
            var (weight, bias, inputs, outputs) = _layers[l];
            var y = new float[outputs];
            for (int o = 0; o < outputs; o++)
            {
                float sum = bias[o];
                for (int i = 0; i < inputs; i++) sum += weight[o * inputs + i] * x[i];
                y[o] = l < _layers.Length - 1 ? Math.Max(sum, 0) : sum;
            }
            x = y;
        }
        return x;
    }
}
