using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Policy.Tests;

/// <summary><c>model.backbone</c>: binds for images with the gaussian probe, and is refused at its line elsewhere.</summary>
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
}
