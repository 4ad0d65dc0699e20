using System.Runtime.InteropServices;
using SmoothInfo.Data.Npy;

namespace SmoothInfo.Evidence;

/// <summary>
/// Embeddings as an upstream encoder would leave them, with planted label flips: each class has a mean drawn once, every
/// sample is its class's mean plus standard normal noise in every dimension, and a seeded share of the labels is moved to
/// another class. Written as float32 features and int64 labels (.npy), a block of rows at a time, so a million rows of
/// 512 never sit in memory. Same seed, same files.
/// </summary>
public static class SyntheticEmbeddings
{
    /// <summary>Distance between two class means in units of the noise's standard deviation (clean classes barely overlap).</summary>
    public const double MeanSeparation = 6;

    private const int BlockRows = 4096;

    /// <summary>Writes the arrays and returns which samples carry a flipped label.</summary>
    public static bool[] Write(string featuresPath, string labelsPath, long count, int dimension, int classes, double flipRate, int seed)
    {
        var random = new Random(seed);
        // Means with independent N(0, s^2) entries are sqrt(2 d) s apart: s puts them MeanSeparation apart.
        double spread = MeanSeparation / Math.Sqrt(2.0 * dimension);
        var means = Enumerable.Range(0, classes).Select(_ => Enumerable.Range(0, dimension).Select(_ => spread * Gaussian(random)).ToArray()).ToArray();
        var trueLabels = Enumerable.Range(0, (int)count).Select(_ => random.Next(classes)).ToArray();
        var flipped = Enumerable.Range(0, (int)count).Select(_ => random.NextDouble() < flipRate).ToArray();
        var labels = trueLabels.Select((c, i) => flipped[i] ? (c + 1 + random.Next(classes - 1)) % classes : c).Select(c => (long)c).ToArray();

        using (var stream = new FileStream(featuresPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            NpyFile.WriteHeader(stream, "<f4", new[] { count, dimension });
            var block = new float[BlockRows * dimension];
            for (long first = 0; first < count; first += BlockRows)
            {
                int rows = (int)Math.Min(BlockRows, count - first);
                // One generator per block, seeded by the block: the same file whatever order blocks are written in.
                var noise = new Random(unchecked(seed * 7919 + (int)(first / BlockRows)));
                for (int i = 0; i < rows; i++)
                {
                    var mean = means[trueLabels[first + i]];
                    for (int j = 0; j < dimension; j++) block[i * dimension + j] = (float)(mean[j] + Gaussian(noise));
                }
                stream.Write(MemoryMarshal.AsBytes(block.AsSpan(0, rows * dimension)));
            }
        }
        using (var stream = new FileStream(labelsPath, FileMode.Create, FileAccess.Write))
        {
            NpyFile.WriteHeader(stream, "<i8", new[] { count });
            stream.Write(MemoryMarshal.AsBytes(labels.AsSpan()));
        }
        return flipped;
    }

    /// <summary>Box-Muller: a standard normal draw.</summary>
    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
