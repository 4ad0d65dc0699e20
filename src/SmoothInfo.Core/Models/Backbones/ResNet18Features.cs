using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SmoothInfo.Models.Backbones;

/// <summary>
/// The 512 pooled features of the ImageNet ResNet-18 that ML.NET's DnnImageFeaturizer.ResNet18 package ships as ONNX
/// (build/ResNet18Model.props copies it to models/resnet18/ beside the tool). Each image goes through the package's own
/// ResNetPreprocess.onnx and then ResNet18.onnx, exactly as ML.NET chains them. Measured (ResNet18FeaturesTests): the
/// preprocess model takes RGB on the 0..255 scale, swaps it to BGR and subtracts a per-pixel mean image of about
/// 100-125 with no rescaling, so pixels are given on the 0..255 scale.
/// Both models take a batch of exactly one image, so the cores are used by running images side by side, each session
/// call on one intra-op thread: every image's features are computed by the same single-threaded kernels whatever the
/// number of workers, so they are the same bit for bit on every run.
/// </summary>
public sealed class ResNet18Features : IDisposable
{
    public const int Dimension = 512;
    public const int InputSize = 224;
    public const string NetworkFile = "ResNet18.onnx";
    public const string PreprocessFile = "ResNetPreprocess.onnx";
    private const string PreprocessInput = "OriginalInput";
    private const string NetworkInput = "Input247";
    // Bumped when BackboneInput changes what an image becomes, so cached features of the old recipe are not reused.
    private const string InputRecipe = "input v1: rgb 0..255, grey replicated, bilinear half-pixel resize to 224x224, no crop";

    // Opened on first use: a run whose features all come from the cache never loads the 63 MB network.
    private readonly Lazy<InferenceSession> _preprocess;
    private readonly Lazy<InferenceSession> _network;
    private readonly int _workers;

    /// <param name="modelDirectory">Holds ResNet18.onnx and ResNetPreprocess.onnx; default: models/resnet18 beside the tool.</param>
    /// <param name="workers">Images embedded side by side; 0: one per core.</param>
    public ResNet18Features(string? modelDirectory = null, int workers = 0)
    {
        string directory = modelDirectory ?? DefaultModelDirectory;
        _workers = workers > 0 ? workers : Math.Max(1, Environment.ProcessorCount);
        _preprocess = new Lazy<InferenceSession>(() => Open(Path.Combine(directory, PreprocessFile)));
        _network = new Lazy<InferenceSession>(() => Open(Path.Combine(directory, NetworkFile)));
        Identity = IdentityOf(directory);
    }

    public static string DefaultModelDirectory => Path.Combine(AppContext.BaseDirectory, "models", "resnet18");

    /// <summary>A hash of both model files, ONNX Runtime's version and the input recipe: features cached under another identity are not reused.</summary>
    public string Identity { get; }

    /// <summary>Features of each image, in order.</summary>
    /// <param name="images">Each image channel-major in <paramref name="layout"/>.</param>
    /// <param name="scale">Factor to the 0..255 scale.</param>
    /// <param name="embedded">Called after each image (from worker threads), for progress.</param>
    public float[][] Embed(IReadOnlyList<ReadOnlyMemory<float>> images, ImageLayout layout, float scale, Action? embedded = null)
    {
        var features = new float[images.Count][];
        var options = new ParallelOptions { MaxDegreeOfParallelism = _workers };
        Parallel.For(0, images.Count, options, () => new float[3 * InputSize * InputSize], (i, _, input) =>
        {
            BackboneInput.Fill(images[i].Span, layout, scale, InputSize, input);
            features[i] = Embed(input);
            embedded?.Invoke();
            return input;
        }, _ => { });
        return features;
    }

    /// <summary>The features of one image given as 3 x 224 x 224 RGB values on the 0..255 scale.</summary>
    public float[] Embed(float[] input)
    {
        var shape = new[] { 1, 3, InputSize, InputSize };
        using var prepared = _preprocess.Value.Run(new[] { NamedOnnxValue.CreateFromTensor(PreprocessInput, new DenseTensor<float>(input, shape)) });
        var normalized = prepared[0].AsTensor<float>();
        using var pooled = _network.Value.Run(new[] { NamedOnnxValue.CreateFromTensor(NetworkInput, normalized) });
        var output = pooled[0].AsTensor<float>();
        if (output.Length != Dimension) throw new InvalidOperationException($"ResNet18.onnx gave {output.Length} values; {Dimension} pooled features were expected");
        return output.ToArray();
    }

    /// <summary>The preprocess model alone (what the network's input is for an image), for tests of the pixel scale.</summary>
    internal float[] Preprocess(float[] input)
    {
        using var prepared = _preprocess.Value.Run(new[] { NamedOnnxValue.CreateFromTensor(PreprocessInput, new DenseTensor<float>(input, new[] { 1, 3, InputSize, InputSize })) });
        return prepared[0].AsTensor<float>().ToArray();
    }

    public void Dispose()
    {
        if (_preprocess.IsValueCreated) _preprocess.Value.Dispose();
        if (_network.IsValueCreated) _network.Value.Dispose();
    }

    private static InferenceSession Open(string path)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        return new InferenceSession(path, options);
    }

    /// <summary>
    /// The <see cref="Identity"/> of the models in this directory (default: beside the tool), without opening them. Hashing
    /// 64 MB takes a noticeable fraction of a second and the gate asks twice (estimator cache key, embedding cache), so it is
    /// remembered while the files' sizes and times are unchanged.
    /// </summary>
    public static string IdentityOf(string? modelDirectory = null)
    {
        string directory = Path.GetFullPath(modelDirectory ?? DefaultModelDirectory);
        foreach (string file in new[] { NetworkFile, PreprocessFile })
            if (!File.Exists(Path.Combine(directory, file)))
                throw new FileNotFoundException(
                    $"the ResNet-18 backbone's {file} is not in {directory}; the tool is built with build/ResNet18Model.props, which copies it from the " +
                    "Microsoft.ML.DnnImageFeaturizer.ResNet18 package", Path.Combine(directory, file));
        string stamp = string.Join(";", new[] { PreprocessFile, NetworkFile }.Select(f => new FileInfo(Path.Combine(directory, f)))
            .Select(f => $"{f.Length}@{f.LastWriteTimeUtc.Ticks}"));
        return Identities.AddOrUpdate(directory, _ => (stamp, Hash(directory)), (_, known) => known.Stamp == stamp ? known : (stamp, Hash(directory))).Identity;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Stamp, string Identity)> Identities = new(StringComparer.Ordinal);

    private static string Hash(string directory)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string file in new[] { PreprocessFile, NetworkFile })
        {
            using var stream = File.OpenRead(Path.Combine(directory, file));
            hash.AppendData(SHA256.HashData(stream));
        }
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{InputRecipe}\nonnxruntime {typeof(InferenceSession).Assembly.GetName().Version}"));
        return "resnet18 " + Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
