using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Policy.Tests;

/// <summary>
/// <c>model.backbone</c>: resnet18 binds for images with the gaussian or linear probe, the user's ONNX model (the mapping
/// form) on any data; either is refused at its line where it cannot work.
/// </summary>
public sealed class BackbonePolicyTests : PolicyFiles
{
    private const string ImageFolderPolicy = "version: 1\ndataset:\n  format: image-folder\n  path: images\n";

    [SetUp]
    public void CreateImageFolder() => Directory.CreateDirectory(Path.Combine(Dir, "images"));

    [Test]
    public void BackboneIsNoneByDefault()
    {
        var policy = Load(MinimalPolicy);
        Assert.That(policy.Model.Backbone, Is.EqualTo(Backbone.None));
    }

    [Test]
    public void Resnet18BindsWithTheGaussianProbeAndRemembersItsLine()
    {
        var policy = Load(ImageFolderPolicy + "model:\n  probe: { kind: gaussian }\n  backbone: resnet18\n");
        Assert.That(policy.Model.Backbone, Is.EqualTo(Backbone.Resnet18));
        Assert.That(policy.Model.BackboneAt, Is.EqualTo(new SourceLocation(PolicyPath, 7, 13)));
    }

    [Test]
    public void ABackboneWithANetworkProbeIsRefusedAtItsLine()
    {
        var e = SingleError(ImageFolderPolicy + "model:\n  probe: { kind: cnn }\n  backbone: resnet18\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyInconsistent));
        Assert.That(e.Location!.Line, Is.EqualTo(7));
        Assert.That(e.Message, Does.Contain("cnn probe"));
        Assert.That(e.Fix, Does.Contain("kind: gaussian"));
    }

    [Test]
    public void ABackboneOnATableIsRefusedAtItsLine()
    {
        var e = SingleError(MinimalPolicy + "model:\n  probe: { kind: gaussian }\n  backbone: resnet18\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyInconsistent));
        Assert.That(e.Location!.Line, Is.EqualTo(7));
        Assert.That(e.Message, Does.Contain("table rows"));
    }

    [Test]
    public void TheBackbonesLineIsNotPartOfWhatTheEstimatorCacheHashes()
    {
        var policy = Load(ImageFolderPolicy + "model:\n  probe: { kind: gaussian }\n  backbone: resnet18\n");
        string json = System.Text.Json.JsonSerializer.Serialize(policy.Model);
        Assert.That(json, Does.Contain("\"Backbone\""));
        Assert.That(json, Does.Not.Contain("BackboneAt"));
    }

    [Test]
    public void AnOnnxModelBindsAsAMappingWithItsOutputAndOptionalInput()
    {
        File.WriteAllBytes(Path.Combine(Dir, "encoder.onnx"), new byte[8]);
        var policy = Load(MinimalPolicy + "model:\n  probe: { kind: linear }\n  backbone:\n    onnx: encoder.onnx\n    output: pooled\n");
        Assert.That(policy.Model.OnnxBackbone, Is.EqualTo(new OnnxBackbonePolicy(Path.Combine(Dir, "encoder.onnx"), "pooled", null)));
        Assert.That(policy.Model.Backbone, Is.EqualTo(Backbone.None));
        Assert.That(policy.Model.HasBackbone, Is.True, "an ONNX model on a table is fine: it takes the rows");
    }

    [Test]
    public void AMissingOnnxFileIsRefusedAtItsLine()
    {
        var e = SingleError(MinimalPolicy + "model:\n  probe: { kind: linear }\n  backbone:\n    onnx: missing.onnx\n    output: pooled\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyPathNotFound));
        Assert.That(e.Location, Is.EqualTo(new SourceLocation(PolicyPath, 8, 11)));
        Assert.That(e.Message, Does.Contain("'model.backbone.onnx' points to 'missing.onnx'"));
    }

    [Test]
    public void AMappingWithoutItsOutputNamesTheMissingKey()
    {
        File.WriteAllBytes(Path.Combine(Dir, "encoder.onnx"), new byte[8]);
        var errors = Errors(MinimalPolicy + "model:\n  probe: { kind: linear }\n  backbone: { onnx: encoder.onnx, ouptut: pooled }\n");
        Assert.That(errors.Select(e => e.Code), Is.EqualTo(new[] { ErrorCodes.PolicyUnknownKey, ErrorCodes.PolicyMissingKey }));
        Assert.That(errors[0].Message, Does.Contain("Did you mean 'output'?"));
        Assert.That(errors[0].Location, Is.EqualTo(new SourceLocation(PolicyPath, 7, 35)));
        Assert.That(errors[1].Message, Does.Contain("'model.backbone' needs the key 'output'"));
    }

    [Test]
    public void AnOnnxModelWithANetworkProbeIsRefusedAtItsLine()
    {
        File.WriteAllBytes(Path.Combine(Dir, "encoder.onnx"), new byte[8]);
        var e = SingleError(MinimalPolicy + "model:\n  probe: { kind: mlp }\n  backbone: { onnx: encoder.onnx, output: pooled }\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyInconsistent));
        Assert.That(e.Location!.Line, Is.EqualTo(7));
        Assert.That(e.Message, Does.Contain("'model.backbone: encoder.onnx'").And.Contain("mlp probe"));
    }
}
