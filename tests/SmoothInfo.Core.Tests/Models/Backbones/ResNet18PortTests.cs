using SmoothInfo.Diagnostics;
using SmoothInfo.Models.Backbones;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Models.Backbones;

/// <summary>
/// The ResNet-18 ported to TorchSharp from its ONNX files (<see cref="ResNet18Network"/>) against ONNX Runtime running
/// the same files (<see cref="ResNet18Features"/>), on real Fashion-MNIST images (the sample project's PNGs) given to both
/// as the same 224 x 224 RGB inputs; then what only the port can do: batches, and sizes other than 224.
/// </summary>
public sealed class ResNet18PortTests
{
    private const int Size = ResNet18Features.InputSize;
    private const int Plane = 3 * Size * Size;
    private ResNet18Features _onnxRuntime = null!;
    private ResNet18Network _port = null!;
    private float[][] _inputs = null!;

    [OneTimeSetUp]
    public void Open()
    {
        _onnxRuntime = new ResNet18Features(workers: 2);
        _port = new ResNet18Network();
        var images = ResNet18FeaturesTests.SampleImages(4);
        _inputs = Enumerable.Range(0, images.Count).Select(i =>
        {
            var input = new float[Plane];
            BackboneInput.Fill(images[i].Features.Span, new ImageLayout(1, 28, 28), 1f, Size, input);
            return input;
        }).ToArray();
    }

    [OneTimeTearDown]
    public void Close()
    {
        _onnxRuntime.Dispose();
        _port.Dispose();
    }

    [Test]
    public void FeaturesOfRealImagesEqualOnnxRuntimesOnTheSameInputs()
    {
        using var batch = Batch(_inputs);
        using var features = _port.Features(batch);
        Assert.That(features.shape, Is.EqualTo(new long[] { _inputs.Length, 512 }));
        for (int i = 0; i < _inputs.Length; i++)
        {
            var expected = _onnxRuntime.Embed(_inputs[i]);
            var actual = features[i].data<float>().ToArray();
            double difference = MaxAbsoluteDifference(actual, expected);
            TestContext.Out.WriteLine($"image {i}: max |TorchSharp - ONNX Runtime| {difference:G3}, features up to {expected.Max():F2}");
            Assert.That(difference, Is.LessThan(1e-4), $"image {i}");
            Assert.That(expected.Count(v => v > 0), Is.GreaterThan(100), "the comparison is not of zeros");
        }
    }

    [Test]
    public void ThePreprocessGraphEqualsOnnxRuntimesAndTheClosingPoolIsTheGlobalMean()
    {
        using var batch = Batch(_inputs.Take(1));
        using var preprocessed = _port.Preprocess(batch);
        Assert.That(preprocessed.data<float>().ToArray(), Is.EqualTo(_onnxRuntime.Preprocess(_inputs[0])), "a channel swap and a subtraction: exact");

        // The whole graph, its own 7 x 7 AveragePool included, against the port's global mean after the last block.
        using var whole = _port.Cut(_port.NetworkInput, _port.Graph.Outputs.Single());
        using var pooled = whole.call(preprocessed);
        using var features = _port.Features(batch);
        Assert.That(pooled.shape, Is.EqualTo(new long[] { 1, 512, 1, 1 }));
        // The same 49 non-negative float32 values (after the last ReLU) summed in two orders and divided by 49: each result is
        // within (49 + 1) u of the exact mean, relative to it (u = 2^-24), so the two differ by at most 100 u of the feature.
        // An absolute 1e-6 held on one machine's kernels and not on another's (1.9e-6 on AMD EPYC, features of order 1).
        var (mean, pool) = (features.flatten().data<float>().ToArray(), pooled.flatten().data<float>().ToArray());
        double worst = Enumerable.Range(0, mean.Length).Max(j => Math.Abs(pool[j] - mean[j]) / (100 * Math.Pow(2, -24) * Math.Abs(mean[j])));
        TestContext.Out.WriteLine($"largest difference in units of its bound: {worst:G3}; features up to {mean.Max():F2}");
        Assert.That(worst, Is.LessThanOrEqualTo(1));
        Assert.That(mean.Count(v => v > 0), Is.GreaterThan(100), "the comparison is not of zeros");
    }

    [Test]
    public void ABatchEqualsEachImageAlone()
    {
        using var batch = Batch(_inputs);
        using var together = _port.Features(batch);
        for (int i = 0; i < _inputs.Length; i++)
        {
            using var alone = _port.Features(Batch(new[] { _inputs[i] }));
            // Batch normalization uses its stored statistics, so images never interact; only the order of float32 sums
            // inside the convolution kernels may differ with the batch size.
            Assert.That(MaxAbsoluteDifference(together[i].data<float>().ToArray(), alone.flatten().data<float>().ToArray()), Is.LessThan(1e-5), $"image {i}");
        }
    }

    [Test]
    public void GreyImagesOfAnySizeAreEmbeddedAsOnnxRuntimeEmbedsThem()
    {
        var images = ResNet18FeaturesTests.SampleImages(2);
        var grey = Enumerable.Range(0, images.Count).Select(i => images[i].Features).ToList();
        var layout = new ImageLayout(1, 28, 28);
        var expected = _onnxRuntime.Embed(grey, layout, 1f);
        var actual = _port.Embed(grey, layout, 1f);
        for (int i = 0; i < grey.Count; i++) Assert.That(MaxAbsoluteDifference(actual[i], expected[i]), Is.LessThan(1e-4), $"grey image {i}, replicated to RGB");

        // ONNX Runtime takes 224 x 224 only, so at other sizes there is no reference: the features are 512, finite,
        // pooled after a ReLU, and tell the two images apart.
        foreach (int size in new[] { 64, 256 })
        {
            var features = _port.Embed(grey, layout, 1f, size);
            Assert.That(features, Has.Length.EqualTo(2), $"size {size}");
            Assert.That(features[0], Has.Length.EqualTo(512).And.All.Matches<float>(v => float.IsFinite(v) && v >= 0), $"size {size}");
            Assert.That(MaxAbsoluteDifference(features[0], features[1]), Is.GreaterThan(0.1), $"size {size}");
        }
        using var oblong = _port.Features(full(new long[] { 2, 3, 96, 160 }, 128f));
        Assert.That(oblong.shape, Is.EqualTo(new long[] { 2, 512 }));
    }

    [Test]
    public void ASizeTheFixedPaddingsDoNotAdmitIsRefusedNamingTheNode()
    {
        using var odd = zeros(1, 3, 100, 100);
        var e = Assert.Throws<InputException>(() => _port.Features(odd))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.ShapeMismatch));
        Assert.That(e.Message, Does.StartWith("ResNet18.onnx's node").And.Contain("(Add) rejects its input").And.Contain("[1, 3, 100, 100]"));
        Assert.That(e.Fix, Does.Contain("the size the graph declares always fits"));
    }

    private static Tensor Batch(IEnumerable<float[]> inputs)
    {
        var list = inputs.ToList();
        return tensor(list.SelectMany(i => i).ToArray()).reshape(list.Count, 3, Size, Size);
    }

    private static double MaxAbsoluteDifference(float[] a, float[] b)
    {
        Assert.That(a, Has.Length.EqualTo(b.Length));
        return a.Zip(b, (u, v) => Math.Abs((double)u - v)).Max();
    }
}
