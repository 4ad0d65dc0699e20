using SmoothInfo.Cli;
using SmoothInfo.Cli.Output;
using SmoothInfo.Estimation;
using SmoothInfo.Kernels;

namespace SmoothInfo.Tests.Cli;

/// <summary>All progress, the kernel's and the estimator's, is written synchronously by one printer, in order.</summary>
public sealed class ProgressPrinterTests
{
    [Test]
    public void KernelProgressIsWrittenBeforeReportReturns()
    {
        var writer = new StringWriter();
        var printer = new ProgressPrinter(writer);
        printer.Kernel().Report(new KernelProgress(1, 2));
        Assert.That(writer.ToString(), Is.EqualTo($"smoothinfo: computing the NTK (50%){Environment.NewLine}"));
        printer.Report(new EstimatorProgress("factorizing the kernel", 0));
        printer.Kernel().Report(new KernelProgress(2, 2));
        Assert.That(writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            "smoothinfo: computing the NTK (50%)", "smoothinfo: factorizing the kernel (0%)", "smoothinfo: computing the NTK (100%)",
        }));
    }

    [Test]
    public void SynchronousProgressReportsOnTheCallersThread()
    {
        int reportedOn = -1;
        new SynchronousProgress<int>(_ => reportedOn = Environment.CurrentManagedThreadId).Report(1);
        Assert.That(reportedOn, Is.EqualTo(Environment.CurrentManagedThreadId));
    }

    [Test]
    public void ACheckPrintsTheWholeKernelStageBeforeTheEstimatorStages()
    {
        string dir = Directory.CreateTempSubdirectory("progress-").FullName;
        try
        {
            var rows = Enumerable.Range(0, 30).Select(i => $"{i % 3 + 0.01 * i},{(i * 7) % 5},{"abc"[i % 3]}");
            File.WriteAllText(Path.Combine(dir, "train.csv"), "f1,f2,label\n" + string.Join("\n", rows) + "\n");
            File.WriteAllText(Path.Combine(dir, "smoothinfo.yml"),
                "version: 1\ndataset: { format: csv, path: train.csv }\nmodel: { probe: { widths: [16] } }\n" +
                "estimator: { kernel: { blockSize: 5 } }\nreports: { directory: out }\n");
            var (stdout, stderr) = (new StringWriter(), new StringWriter());
            SmoothInfoApp.Run(new[] { "check", "--policy", Path.Combine(dir, "smoothinfo.yml"), "--no-cache" }, stdout, stderr);
            var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(lines, Has.All.Match(@"^smoothinfo: [a-zA-Z -]+ \(\d+%\)$"), stderr.ToString());
            var stages = lines.Select(l => l[12..l.LastIndexOf(" (", StringComparison.Ordinal)]).ToList();
            int lastKernel = stages.LastIndexOf("computing the NTK");
            Assert.That(lastKernel, Is.GreaterThanOrEqualTo(0), stderr.ToString());
            Assert.That(lines[lastKernel], Does.EndWith("(100%)"));
            Assert.That(stages.Take(lastKernel + 1), Has.All.EqualTo("computing the NTK"), "an estimator line came before the kernel finished");
            Assert.That(stages.Skip(lastKernel + 1), Is.Not.Empty.And.None.EqualTo("computing the NTK"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
