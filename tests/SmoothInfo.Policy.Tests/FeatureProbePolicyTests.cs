using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Policy.Tests;

/// <summary>
/// The probes on features (gaussian, linear) and <c>weightDecay: auto</c>: what binds, and what is refused at the key's
/// line with the fix.
/// </summary>
public sealed class FeatureProbePolicyTests : PolicyFiles
{
    [TestCase("gaussian", ProbeKind.Gaussian)]
    [TestCase("linear", ProbeKind.Linear)]
    public void FeatureProbeWithAutomaticWeightDecayBinds(string kind, ProbeKind expected)
    {
        var policy = Load(MinimalPolicy + $"model:\n  probe: {{ kind: {kind} }}\ntraining:\n  weightDecay: auto\n");
        Assert.That(policy.Model.Probe.Kind, Is.EqualTo(expected));
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

    [TestCase("gaussian", "training:\n  steps: 100\n", 8, "measured at convergence only", "steps: inf")]
    [TestCase("gaussian", "training:\n  weightDecay: 0\n", 8, "needs a positive weight decay", "positive")]
    [TestCase("linear", "training:\n  steps: 100\n", 8, "measured at convergence only", "steps: inf")]
    [TestCase("linear", "training:\n  weightDecay: 0\n", 8, "needs a positive weight decay", "positive")]
    [TestCase("linear", "  weights: w.safetensors\n", 7, "no weights to load", "remove 'model.weights'")]
    public void FeatureProbeRefusesWhatItCannotRun(string kind, string lines, int line, string message, string fix)
    {
        File.WriteAllBytes(Path.Combine(Dir, "w.safetensors"), new byte[16]);
        var e = SingleError(MinimalPolicy + $"model:\n  probe: {{ kind: {kind} }}\n" + lines);
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyInconsistent));
        Assert.That(e.Location!.Line, Is.EqualTo(line));
        Assert.That(e.Message, Does.Contain($"the {kind} probe").And.Contain(message));
        Assert.That(e.Fix, Does.Contain(fix));
    }
}
