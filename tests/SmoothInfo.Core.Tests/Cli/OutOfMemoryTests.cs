using SmoothInfo.Cli;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Cli;

/// <summary>libtorch's allocation failure is an input error (too large a problem) with a fix, not an internal failure.</summary>
public sealed class OutOfMemoryTests
{
    /// <summary>What libtorch really throws when an allocation fails: 8 PiB, refused by malloc at once on any machine.</summary>
    private static Exception LibTorchAllocationFailure()
    {
        Exception? failure = null;
        try
        {
            using var huge = empty(new long[] { 1L << 25, 1L << 25 }, dtype: float64);
        }
        catch (Exception e)
        {
            failure = e;
        }
        Assert.That(failure, Is.Not.Null, "an 8 PiB tensor was allocated");
        return failure!;
    }

    [Test]
    public void ACheckThatRunsOutOfMemoryExitsWithTwoAndTheFix()
    {
        var e = LibTorchAllocationFailure();
        Assert.That(OutOfMemoryError.Matches(e), Is.True, e.Message);
        var stderr = new StringWriter();
        int code = SmoothInfoApp.Fail(e, "check", stderr);
        Assert.That(code, Is.EqualTo(ExitCodes.UsageOrInputError));
        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), "no native stack trace");
        Assert.That(lines[0], Does.StartWith("smoothinfo: error SI2209: out of memory").And.Contain("9007199254740992 bytes"));
        Assert.That(lines[0], Does.Contain("Fix: lower 'estimator.maxSamples'").And.Contain("'estimator.kernel.projection'"));
        Assert.That(lines[0], Does.Not.Contain("frame #").And.Not.Contain("enforce fail"));
    }

    [Test]
    public void TheKernelCommandsFixNamesItsOwnInputs()
    {
        var stderr = new StringWriter();
        Assert.That(SmoothInfoApp.Fail(LibTorchAllocationFailure(), "kernel", stderr), Is.EqualTo(ExitCodes.UsageOrInputError));
        Assert.That(stderr.ToString(), Does.Contain("Fix: pass smaller kernels").And.Contain("--precision float32").And.Not.Contain("maxSamples"));
    }

    [Test]
    public void OtherNativeFailuresStayInternalOnOneLine()
    {
        Exception? e = null;
        try
        {
            using var a = zeros(2, 3);
            using var b = zeros(4, 5);
            using var product = a.mm(b);
        }
        catch (Exception caught)
        {
            e = caught;
        }
        Assert.That(e, Is.Not.Null, "a (2x3)(4x5) product did not fail");
        Assert.That(OutOfMemoryError.Matches(e!), Is.False, e!.Message);
        var stderr = new StringWriter();
        Assert.That(SmoothInfoApp.Fail(e, "check", stderr), Is.EqualTo(ExitCodes.InternalFailure));
        Assert.That(stderr.ToString(), Does.StartWith("smoothinfo: error SI3000:").And.Not.Contain("frame #"));
    }
}
