using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Policy.Tests;

/// <summary><c>model.probe.kind: linear</c>: binds, and what it cannot mean is refused at the line that says it, with the fix.</summary>
public sealed class LinearProbePolicyTests : PolicyFiles
{
    [Test]
    public void BindsWithAutomaticWeightDecay()
    {
        var policy = Load(MinimalPolicy + "model:\n  probe: { kind: linear }\ntraining:\n  weightDecay: auto\n");
        Assert.That(policy.Model.Probe.Kind, Is.EqualTo(ProbeKind.Linear));
        Assert.That(policy.Training.WeightDecay, Is.Null);
    }

    [TestCase("training:\n  steps: 100\n", 8, "measured at convergence only", "steps: inf")]
    [TestCase("training:\n  weightDecay: 0\n", 8, "needs a positive weight decay", "positive")]
    public void TrainingItCannotMeasureIsRefusedAtItsLine(string training, int line, string message, string fix)
    {
        var e = SingleError(MinimalPolicy + "model:\n  probe: { kind: linear }\n" + training);
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyInconsistent));
        Assert.That(e.Location!.Line, Is.EqualTo(line));
        Assert.That(e.Message, Does.Contain("the linear probe").And.Contain(message));
        Assert.That(e.Fix, Does.Contain(fix));
    }

    [Test]
    public void WeightsAreRefusedAtTheirLine()
    {
        File.WriteAllBytes(Path.Combine(Dir, "w.safetensors"), new byte[16]);
        var e = SingleError(MinimalPolicy + "model:\n  probe: { kind: linear }\n  weights: w.safetensors\n");
        Assert.That(e.Location!.Line, Is.EqualTo(7));
        Assert.That(e.Message, Does.Contain("no weights to load"));
    }
}
