using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using SmoothInfo.Data.Npy;
using SmoothInfo.Diagnostics;
using SmoothInfo.Gate;
using SmoothInfo.Models.Backbones;
using SmoothInfo.Policy.Loading;
using SmoothInfo.Policy.Model;
using SmoothInfo.Tests.Data;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Models.Backbones;

/// <summary>
/// The user's ONNX backbone on a tiny network written by the test (x [batch, 4] -> MatMul -> 'hidden' -> Relu -> 'features'
/// -> MatMul -> 'logits', the graph's output): cut at 'features', its features equal ONNX Runtime's own run of a model whose
/// output is 'features', and the arithmetic done by hand; what cannot work is an error at the policy key, with the names to use.
/// </summary>
public sealed class OnnxFeaturesTests : DataFolder
{
    private static readonly float[] First = Enumerable.Range(0, 12).Select(i => (i % 5 - 2) * 0.37f + i * 0.05f).ToArray();   // 4 x 3
    private static readonly float[] Second = Enumerable.Range(0, 6).Select(i => 0.5f - i * 0.21f).ToArray();                   // 3 x 2

    [Test]
    public void FeaturesOfAnIntermediateValueEqualOnnxRuntimesRunOfThatValue()
    {
        WriteModel("model.onnx", output: "logits");
        WriteModel("direct.onnx", output: "features");
        var samples = RandomSamples(50, 4, seed: 1);
        var policy = LoadPolicy("output: features");

        using var backbone = OnnxFeatures.Open(policy.Model.OnnxBackbone!, new[] { 4 }, policy.Locations);
        var features = backbone.Embed(samples.Select(s => (ReadOnlyMemory<float>)s).ToList());

        using var direct = new InferenceSession(PathOf("direct.onnx"));
        var batch = new DenseTensor<float>(samples.SelectMany(s => s).ToArray(), new[] { samples.Length, 4 });
        using var outputs = direct.Run(new[] { NamedOnnxValue.CreateFromTensor("x", batch) });
        var expected = outputs[0].AsTensor<float>().ToArray();
        Assert.That(backbone.Dimension, Is.EqualTo(3));
        for (int i = 0; i < samples.Length; i++)
            for (int j = 0; j < 3; j++)
            {
                Assert.That(features[i][j], Is.EqualTo(expected[i * 3 + j]).Within(1e-6), $"sample {i}, feature {j}: ONNX Runtime on the uncut value");
                double byHand = Math.Max(0, Enumerable.Range(0, 4).Sum(m => (double)samples[i][m] * First[m * 3 + j]));
                Assert.That(features[i][j], Is.EqualTo(byHand).Within(1e-5), $"sample {i}, feature {j}: relu(x W)");
            }
    }

    [TestCase("output: pooled", 4, ErrorCodes.InvalidNetworkSpec, "model.backbone.output",
        "'model.backbone.output' is 'pooled', but model.onnx has no value of that name. Its outputs: logits; other values it computes: hidden, features.")]
    [TestCase("output: features\n    input: image", 4, ErrorCodes.InvalidNetworkSpec, "model.backbone.input",
        "'model.backbone.input' is 'image', but model.onnx has no input of that name; its inputs: x.")]
    [TestCase("output: features", 5, ErrorCodes.ShapeMismatch, "model.backbone",
        "model.onnx's input 'x' takes [?, 4], but each sample is fed as [1, 5] (batch 1, then the sample's shape).")]
    public void WhatCannotWorkIsAnErrorAtItsKeyNamingWhatTheModelHas(string backboneLines, int sampleWidth, string code, string key, string message)
    {
        WriteModel("model.onnx", output: "logits");
        var policy = LoadPolicy(backboneLines);
        var e = Assert.Throws<InputException>(() => OnnxFeatures.Open(policy.Model.OnnxBackbone!, new[] { sampleWidth }, policy.Locations))!;
        Assert.That(e.Code, Is.EqualTo(code));
        Assert.That(e.Message, Is.EqualTo(message));
        Assert.That(e.Location, Is.EqualTo(policy.Locations.Of(key)));
        Assert.That(e.Location!.Line, Is.GreaterThan(0));
        Assert.That(e.Fix, Is.Not.Empty);
    }

    [Test]
    public void TheGateRunsTheLinearProbeOnTheCutFeaturesAndCachesThem()
    {
        WriteModel("model.onnx", output: "logits");
        var samples = RandomSamples(60, 4, seed: 2);
        using (var x = tensor(samples.SelectMany(s => s).ToArray(), new long[] { samples.Length, 4 })) NpyFile.Write(PathOf("x.npy"), x);
        File.WriteAllLines(PathOf("y.txt"), samples.Select(s => s[0] > s[1] ? "a" : "b"));
        var policy = LoadPolicy("output: features", "format: npy\n  path: x.npy\n  labels: y.txt");
        string cache = PathOf("artifacts");
        Directory.CreateDirectory(cache);

        var run = GatePipeline.Run(policy, new GateRunOptions(CPU, CacheFile: Path.Combine(cache, EstimatorCache.FileName)));
        Assert.That(run.Report.Solver.Reason, Does.StartWith("linear probe: a linear head with bias on model.onnx features (the 3 values of 'features' per sample"));
        Assert.That(run.Report.SampleCount, Is.EqualTo(60));
        Assert.That(BackboneRun.Embed(policy, SmoothInfo.Data.DatasetReader.Read(policy), cache)!.Embedded, Is.Zero, "the second reading comes from the cache");
    }

    private SmoothInfoPolicy LoadPolicy(string backboneLines, string datasetLines = "format: csv\n  path: t.csv")
    {
        if (!File.Exists(PathOf("t.csv"))) File.WriteAllText(PathOf("t.csv"), "a,b,c,d,label\n1,2,3,4,x\n2,3,4,5,y\n");
        File.WriteAllText(PathOf("smoothinfo.yml"), $"version: 1\ndataset:\n  {datasetLines}\nmodel:\n  probe: {{ kind: linear }}\n" +
            $"  backbone:\n    onnx: model.onnx\n    {backboneLines}\n");
        return PolicyLoader.Load(PathOf("smoothinfo.yml"));
    }

    private static float[][] RandomSamples(int count, int width, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, width).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray()).ToArray();
    }

    /// <summary>The tiny network as an ONNX file (opset 13) whose graph output is <paramref name="output"/>.</summary>
    private void WriteModel(string name, string output)
    {
        var graph = new GraphProto { Name = "tiny" };
        graph.Input.Add(OnnxModels.Value("x", "batch", 4));
        graph.Initializer.Add(OnnxModels.Initializer("w1", First, 4, 3));
        graph.Initializer.Add(OnnxModels.Initializer("w2", Second, 3, 2));
        graph.Node.Add(OnnxModels.Node("MatMul", new[] { "x", "w1" }, "hidden"));
        graph.Node.Add(OnnxModels.Node("Relu", new[] { "hidden" }, "features"));
        graph.Node.Add(OnnxModels.Node("MatMul", new[] { "features", "w2" }, "logits"));
        graph.Output.Add(OnnxModels.Value(output, "batch", output == "logits" ? 2 : 3));
        OnnxModels.Write(PathOf(name), graph, opset: 13);
    }
}
