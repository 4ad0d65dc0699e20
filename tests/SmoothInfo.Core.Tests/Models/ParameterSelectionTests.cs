using SmoothInfo.Diagnostics;
using SmoothInfo.Models;

namespace SmoothInfo.Tests.Models;

public sealed class ParameterSelectionTests
{
    private static readonly ParametricLayer[] Layers =
    {
        new("body.0", HasBias: true), new("body.2", HasBias: false), new("head", HasBias: true),
    };

    [Test]
    public void AllSelectsEveryWeightAndBias() =>
        Assert.That(ParameterSelection.All.Resolve(Layers),
            Is.EquivalentTo(new[] { "body.0.weight", "body.0.bias", "body.2.weight", "head.weight", "head.bias" }));

    [Test]
    public void LastLayersCountsParametricLayersFromTheEnd() =>
        Assert.That(ParameterSelection.LastLayers(2).Resolve(Layers),
            Is.EquivalentTo(new[] { "body.2.weight", "head.weight", "head.bias" }));

    [Test]
    public void NamedGroupsAreParameterNamesOrModulePrefixes() =>
        Assert.That(ParameterSelection.Named("body", "head.bias").Resolve(Layers),
            Is.EquivalentTo(new[] { "body.0.weight", "body.0.bias", "body.2.weight", "head.bias" }));

    [Test]
    public void APrefixMatchesWholeNameSegmentsOnly()
    {
        // "body.0" must not also select a hypothetical "body.01": prefixes end at a dot.
        var layers = new[] { new ParametricLayer("body.0", true), new ParametricLayer("body.01", true) };
        Assert.That(ParameterSelection.Named("body.0").Resolve(layers), Is.EquivalentTo(new[] { "body.0.weight", "body.0.bias" }));
    }

    [Test]
    public void UnknownGroupNamesItAndListsTheParameters()
    {
        var e = Assert.Throws<InputException>(() => ParameterSelection.Named("neck").Resolve(Layers))!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.UnknownParameterGroup));
        Assert.That(e.Message, Does.Contain("'neck'"));
        Assert.That(e.Fix, Does.Contain("body.0.weight").And.Contain("head.bias"));
    }

    [Test]
    public void MoreLayersThanTheNetworkHasIsAnError()
    {
        var e = Assert.Throws<InputException>(() => ParameterSelection.LastLayers(4).Resolve(Layers))!;
        Assert.That(e.Message, Does.Contain("3 parametric layer"));
        Assert.Throws<InputException>(() => ParameterSelection.LastLayers(0));
        Assert.Throws<InputException>(() => ParameterSelection.Named());
    }
}
