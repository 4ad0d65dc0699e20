using SmoothInfo.Data;
using SmoothInfo.Models;
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
    /// <summary>The model sample-project/ serves (and the groups and summarization experiments use).</summary>
    public static Sequential ServedModel(out double accuracy) =>
        Train(FashionMnist.Test(), SampleProjectData.ModelWidths, epochs: 20, seed: 7, out accuracy);

    public static Sequential Train(Dataset data, IReadOnlyList<int> widths, int epochs, int seed, out double accuracy)
    {
        var network = ProbeNetworks.Build(new MlpSpec(data.FeatureCount, widths.ToArray(), data.ClassNames.Count, Activation.Relu), seed);
        var x = DatasetTensors.Features(data, ScalarType.Float64).reshape(data.Count, data.FeatureCount) / 255.0;
        var y = DatasetTensors.Labels(data);
        network.train();
        var optimizer = optim.Adam(network.parameters(), lr: 1e-3);
        var generator = new Generator().manual_seed(seed);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var order = randperm(data.Count, generator: generator);
            for (int start = 0; start < data.Count; start += 100)
            {
                using var scope = NewDisposeScope();
                var batch = order.narrow(0, start, Math.Min(100, data.Count - start));
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
