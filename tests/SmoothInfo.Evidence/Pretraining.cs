using SmoothInfo.Data;
using SmoothInfo.Models;
using SmoothInfo.Policy.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>
/// The classifier a project serves: an MLP trained with Adam on data the checked subset does not hold (Fashion-MNIST's
/// test split). It is trained on pixels / 255 and the 1/255 is then folded into the first layer, so the model takes the
/// pixels as the dataset readers give them ([0, 255], preprocessing 'none').
/// </summary>
public static class Pretraining
{
    /// <summary>The model the groups and summarization experiments serve, trained on the test split.</summary>
    public static Sequential ServedModel(out double accuracy) =>
        Train(FashionMnist.Test(), SampleProjectData.ModelWidths, epochs: 20, seed: 7, out accuracy);

    /// <summary>
    /// Everything a subset drawn from the training split does not hold: the test split plus the rest of the training split
    /// (68,000 images for a 2,000-image subset), as (count, 784) pixels and labels.
    /// </summary>
    public static (Tensor Pixels, Tensor Labels) Disjoint(Dataset train, Dataset test, IReadOnlyCollection<int> excluded)
    {
        var skip = excluded.ToHashSet();
        var keep = tensor(Enumerable.Range(0, train.Count).Where(i => !skip.Contains(i)).Select(i => (long)i).ToArray());
        var trainPixels = DatasetTensors.Features(train, ScalarType.Float64).reshape(train.Count, train.FeatureCount).index_select(0, keep);
        var testPixels = DatasetTensors.Features(test, ScalarType.Float64).reshape(test.Count, test.FeatureCount);
        return (cat(new[] { testPixels, trainPixels }), cat(new[] { DatasetTensors.Labels(test), DatasetTensors.Labels(train).index_select(0, keep) }));
    }

    public static Sequential Train(Dataset data, IReadOnlyList<int> widths, int epochs, int seed, out double accuracy) =>
        Train(DatasetTensors.Features(data, ScalarType.Float64).reshape(data.Count, data.FeatureCount), DatasetTensors.Labels(data),
            widths, epochs, seed, out accuracy);

    /// <summary>Trains on (count, features) pixels in [0, 255] and their class indices (10 classes).</summary>
    public static Sequential Train(Tensor pixels, Tensor labels, IReadOnlyList<int> widths, int epochs, int seed, out double accuracy)
    {
        int count = (int)pixels.shape[0];
        var network = ProbeNetworks.Build(new MlpSpec((int)pixels.shape[1], widths.ToArray(), 10, Activation.Relu), seed);
        var x = pixels.to(ScalarType.Float64) / 255.0;
        var y = labels;
        network.train();
        var optimizer = optim.Adam(network.parameters(), lr: 1e-3);
        var generator = new Generator().manual_seed(seed);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var order = randperm(count, generator: generator);
            for (int start = 0; start < count; start += 100)
            {
                using var scope = NewDisposeScope();
                var batch = order.narrow(0, start, Math.Min(100, count - start));
                optimizer.zero_grad();
                nn.functional.cross_entropy(network.call(x.index_select(0, batch)), y.index_select(0, batch)).backward();
                optimizer.step();
            }
        }
        network.eval();
        using (no_grad())
        {
            accuracy = network.call(x).argmax(1).eq(y).to(float64).mean().item<double>();
            var first = (Linear)network.children().First();
            first.weight!.div_(255.0);
        }
        return network;
    }
}
