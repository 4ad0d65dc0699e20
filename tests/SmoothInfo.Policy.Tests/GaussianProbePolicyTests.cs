using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Policy.Tests;

/// <summary>The gaussian probe and <c>weightDecay: auto</c>: what binds, and what is refused at the key's line.</summary>
public sealed class GaussianProbePolicyTests : PolicyFiles
{
    [Test]
    public void GaussianProbeWithAutomaticWeightDecayBinds()
    {
        var policy = Load(MinimalPolicy + "model:\n  probe: { kind: gaussian }\ntraining:\n  weightDecay: auto\n");
        Assert.That(policy.Model.Probe.Kind, Is.EqualTo(ProbeKind.Gaussian));
        Assert.That(policy.Training.WeightDecay, Is.Null);
    }

    [Test]
    public void NumericWeightDecayStillBinds()
    {
        var policy = Load(MinimalPolicy + "training:\n  weightDecay: 0.25\n");
        Assert.That(policy.Training.WeightDecay, Is.EqualTo(0.25));
    }

    [Test]
    public void AutomaticWeightDecayBindsForANetworkProbeTooButNotWithFiniteSteps()
    {
        Assert.That(Load(MinimalPolicy + "model:\n  probe: { kind: mlp }\ntraining:\n  weightDecay: auto\n").Training.WeightDecay, Is.Null);
        var e = SingleError(MinimalPolicy + "model:\n  probe: { kind: mlp }\ntraining:\n  steps: 50\n  weightDecay: auto\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyInconsistent));
        Assert.That(e.Location!.Line, Is.EqualTo(9));
        Assert.That(e.Fix, Does.Contain("steps: inf"));
    }

    [TestCase("training:\n  steps: 100\n", 8, "steps: inf")]
    [TestCase("training:\n  weightDecay: 0\n", 8, "positive")]
    public void GaussianProbeRefusesWhatItCannotRun(string training, int line, string fix)
    {
        var e = SingleError(MinimalPolicy + "model:\n  probe: { kind: gaussian }\n" + training);
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyInconsistent));
        Assert.That(e.Location!.Line, Is.EqualTo(line));
        Assert.That(e.Fix, Does.Contain(fix));
    }
}
