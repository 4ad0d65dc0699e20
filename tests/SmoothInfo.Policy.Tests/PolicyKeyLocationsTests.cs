namespace SmoothInfo.Policy.Tests;

/// <summary>A loaded policy knows where each key is written, for errors found after loading.</summary>
public sealed class PolicyKeyLocationsTests : PolicyFiles
{
    [Test]
    public void AWrittenKeyLocatesToItsValue()
    {
        var policy = Load(MinimalPolicy + "training:\n  weightDecay: 0\n  learningRate: 0.5\n");
        Assert.That(policy.Locations.Of("training.learningRate"), Is.EqualTo(new Diagnostics.SourceLocation(PolicyPath, 7, 17)));
        Assert.That(policy.Locations.IsWritten("training.learningRate"), Is.True);
    }

    [Test]
    public void ALeftOutKeyLocatesToItsNearestWrittenSectionElseThePolicysFirstKey()
    {
        var policy = Load(MinimalPolicy + "estimator: { seed: 3 }\n");
        Assert.That(policy.Locations.Of("estimator.device"), Is.EqualTo(new Diagnostics.SourceLocation(PolicyPath, 5, 12)));
        Assert.That(policy.Locations.IsWritten("estimator.device"), Is.False);
        Assert.That(policy.Locations.Of("baseline"), Is.EqualTo(new Diagnostics.SourceLocation(PolicyPath, 1, 1)));
    }
}
