using SmoothInfo.Benchmarks;

namespace SmoothInfo.Tests.Benchmarks;

/// <summary>The benchmarks' peak-memory reader parses /proc/self/status whatever whitespace separates a field.</summary>
public sealed class ProcStatusTests
{
    [Test]
    public void AnEightDigitValueAfterATabAloneIsRead()
    {
        const string status = "Name:\tdotnet\nVmPeak:\t12345678 kB\nVmHWM:\t12345678 kB\nVmRSS:\t  524288 kB\n";
        Assert.That(ProcStatus.KilobyteField(status, "VmHWM"), Is.EqualTo(12345678L * 1024));
    }

    [Test]
    public void ASpacePaddedValueIsRead()
    {
        Assert.That(ProcStatus.KilobyteField("VmHWM:\t   81920 kB\n", "VmHWM"), Is.EqualTo(81920L * 1024));
    }

    [Test]
    public void AMissingFieldIsMinusOneNotAnotherFieldWithTheSamePrefix()
    {
        Assert.That(ProcStatus.KilobyteField("VmHWMx:\t1 kB\nVmRSS:\t2 kB\n", "VmHWM"), Is.EqualTo(-1));
    }

    [Test]
    public void ThisProcesssOwnStatusHasAPeak()
    {
        Assume.That(File.Exists("/proc/self/status"), "Linux only");
        Assert.That(ProcStatus.KilobyteField(File.ReadAllText("/proc/self/status"), "VmHWM"), Is.GreaterThan(0));
    }
}
