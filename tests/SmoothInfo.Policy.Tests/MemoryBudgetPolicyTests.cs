using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Model;

namespace SmoothInfo.Policy.Tests;

/// <summary>estimator.memoryBudget: sizes in binary units or a share of the available memory; anything else a located error.</summary>
public sealed class MemoryBudgetPolicyTests : PolicyFiles
{
    [Test]
    public void LeftOutItIsHalfTheAvailableMemory()
    {
        var budget = Load(MinimalPolicy).Estimator.MemoryBudget;
        Assert.That((budget.Bytes, budget.ShareOfAvailable), Is.EqualTo(((long?)null, (double?)0.5)));
        Assert.That(budget.Resolve(10_000), Is.EqualTo(5_000));
    }

    [TestCase("4GB", 4L << 30)]
    [TestCase("512MB", 512L << 20)]
    [TestCase("1.5 gb", 3L << 29)]
    [TestCase("64KB", 64L << 10)]
    [TestCase("1TB", 1L << 40)]
    [TestCase("1000B", 1000L)]
    public void SizesAreBinaryUnits(string text, long bytes)
    {
        var budget = Load(MinimalPolicy + $"estimator:\n  memoryBudget: {text}\n").Estimator.MemoryBudget;
        Assert.That(budget.Bytes, Is.EqualTo(bytes));
        Assert.That(budget.Resolve(1), Is.EqualTo(bytes), "a size does not depend on the available memory");
    }

    [TestCase("25%", 0.25)]
    [TestCase("100%", 1.0)]
    [TestCase("12.5%", 0.125)]
    public void SharesAreOfTheAvailableMemory(string text, double share)
    {
        var budget = Load(MinimalPolicy + $"estimator:\n  memoryBudget: \"{text}\"\n").Estimator.MemoryBudget;
        Assert.That(budget.ShareOfAvailable, Is.EqualTo(share));
        Assert.That(budget.Resolve(1L << 30), Is.EqualTo((long)(share * (1L << 30))));
        Assert.That(budget.ToString(), Is.EqualTo(text));
    }

    [TestCase("lots")]
    [TestCase("4")]
    [TestCase("0%")]
    [TestCase("150%")]
    [TestCase("0MB")]
    [TestCase("-1GB")]
    [TestCase("4 GiB")]
    [TestCase("99999999TB")]
    public void AnythingElseIsALocatedErrorWithTheFix(string text)
    {
        var e = SingleError(MinimalPolicy + $"estimator:\n  seed: 1\n  memoryBudget: \"{text}\"\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicyInvalidValue));
        Assert.That((e.Location!.Line, e.Location.Column), Is.EqualTo((7, 17)));
        Assert.That(e.Message, Does.Contain($"'estimator.memoryBudget' is '{text}'"));
        Assert.That(e.Fix, Does.Contain("memoryBudget: 4GB").And.Contain("memoryBudget: 50%"));
    }

    [TestCase(1023.0, "1023 B")]
    [TestCase(1536.0, "1.5 KB")]
    [TestCase(3.0 * (1L << 30), "3 GB")]
    [TestCase(331.0 * (1L << 30), "331 GB")]
    public void BytesAreShownInTheLargestUnit(double bytes, string text) => Assert.That(MemoryBudget.FormatBytes(bytes), Is.EqualTo(text));
}
