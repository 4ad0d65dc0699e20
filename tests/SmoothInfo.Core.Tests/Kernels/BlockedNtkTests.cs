using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Policy.Model;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Kernels;

/// <summary>Streaming over sample blocks (kept or recomputed features) gives the unblocked kernel, and reports progress.</summary>
public sealed class BlockedNtkTests
{
    private sealed class Recorder : IProgress<KernelProgress>
    {
        public List<KernelProgress> Reports { get; } = new();
        public void Report(KernelProgress value) => Reports.Add(value);
    }

    private static void AssertSame(Tensor blocked, Tensor whole)
    {
        // Block products run the same dot products as the whole product, but BLAS rounds other tile shapes differently
        // in the last bit (measured: up to 3e-16 relative), so "identical" is checked to a few ulps of the largest entry.
        Assert.That(KernelAssert.RelativeError(blocked, whole), Is.LessThanOrEqualTo(1e-14));
    }

    [TestCase(2)]
    [TestCase(3)]
    [TestCase(7)]
    public void TrainKernelInBlocksEqualsOneBlock(int samplesPerBlock)
    {
        using var network = TestNetworks.Cnn(Pooling.Max);
        using var x = TestNetworks.ImageInputs(7);
        using var whole = EmpiricalNtk.Train(network, x, new NtkOptions { SamplesPerBlock = 7 });
        var progress = new Recorder();
        using var blocked = EmpiricalNtk.Train(network, x, new NtkOptions { SamplesPerBlock = samplesPerBlock, Progress = progress });
        AssertSame(blocked, whole);
        int blocks = (7 + samplesPerBlock - 1) / samplesPerBlock;
        long pairs = blocks * (blocks + 1) / 2;
        Assert.That(progress.Reports.Select(r => r.Done), Is.EqualTo(Enumerable.Range(1, (int)pairs).Select(i => (long)i)));
        Assert.That(progress.Reports.All(r => r.Total == pairs), Is.True);
    }

    [Test]
    public void AMaximumBlockSizeCapsTheBlocksTheBudgetWouldAllowAndGivesTheSameKernel()
    {
        using var network = TestNetworks.Mlp(Activation.Tanh);
        using var x = TestNetworks.MlpInputs(7);
        var whole = new Recorder();
        using var unbounded = EmpiricalNtk.Train(network, x, new NtkOptions { Progress = whole });
        Assert.That(whole.Reports[^1].Total, Is.EqualTo(1), "the default budget holds all 7 samples in one block");
        var capped = new Recorder();
        using var blocked = EmpiricalNtk.Train(network, x, new NtkOptions { MaxSamplesPerBlock = 3, Progress = capped });
        Assert.That(capped.Reports[^1].Total, Is.EqualTo(6), "blocks of 3, 3 and 1 samples: 6 pairs on and below the diagonal");
        AssertSame(blocked, unbounded);
    }

    [Test]
    public void ATinyBudgetRecomputesFeaturesPerBlockAndGivesTheSameKernel()
    {
        using var network = TestNetworks.Mlp(Activation.Tanh);
        using var x = TestNetworks.MlpInputs(9);
        using var xTest = TestNetworks.MlpInputs(5, seed: 4);
        using var whole = EmpiricalNtk.Train(network, x);
        using var wholeCross = EmpiricalNtk.Cross(network, xTest, x);
        // A budget below the features of all samples: nothing is kept, blocks are derived from the budget.
        var tiny = new NtkOptions { MemoryBudgetBytes = 4096 };
        var progress = new Recorder();
        using var blocked = EmpiricalNtk.Train(network, x, tiny with { Progress = progress });
        using var blockedCross = EmpiricalNtk.Cross(network, xTest, x, tiny);
        Assert.That(progress.Reports[^1].Total, Is.GreaterThan(1), "the budget did not force more than one block");
        AssertSame(blocked, whole);
        AssertSame(blockedCross, wholeCross);
    }

    [Test]
    public void CrossKernelInBlocksReportsEveryBlockPair()
    {
        using var network = TestNetworks.OddConvolutions();
        using var x = TestNetworks.ImageInputs(5);
        using var xTest = TestNetworks.ImageInputs(4, seed: 2);
        using var whole = EmpiricalNtk.Cross(network, xTest, x);
        var progress = new Recorder();
        using var blocked = EmpiricalNtk.Cross(network, xTest, x, new NtkOptions { SamplesPerBlock = 2, Progress = progress });
        AssertSame(blocked, whole);
        Assert.That(progress.Reports.Count, Is.EqualTo(2 * 3));
        Assert.That(progress.Reports[^1], Is.EqualTo(new KernelProgress(6, 6)));
    }
}
