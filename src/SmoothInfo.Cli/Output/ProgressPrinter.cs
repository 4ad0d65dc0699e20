using SmoothInfo.Estimation;
using SmoothInfo.Kernels;

namespace SmoothInfo.Cli.Output;

/// <summary>
/// Progress on stderr: one line rewritten in place on a terminal, plain lines (each stage, every 10%) otherwise,
/// so CI logs stay readable. Every report, the kernel's too, is written synchronously by this one printer (a lock keeps
/// whole lines should a report ever come from another thread), so lines never interleave.
/// </summary>
public sealed class ProgressPrinter(TextWriter writer) : IProgress<EstimatorProgress>
{
    private readonly bool _interactive = ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected;
    private string _stage = "";
    private int _decile = -1;
    private readonly object _lock = new();

    /// <summary>The kernel's block progress as the stage "computing the NTK", through this printer.</summary>
    public IProgress<KernelProgress> Kernel() =>
        new SynchronousProgress<KernelProgress>(p => Report(new EstimatorProgress("computing the NTK", (double)p.Done / p.Total)));

    public void Report(EstimatorProgress value)
    {
        lock (_lock) Write(value);
    }

    private void Write(EstimatorProgress value)
    {
        int percent = (int)Math.Round(100 * value.Fraction);
        if (_interactive)
        {
            int width = 30, filled = (int)(width * value.Fraction);
            writer.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {percent,3}% {value.Stage,-40}");
            if (value.Fraction >= 1) writer.WriteLine();
            return;
        }
        if (value.Stage == _stage && percent / 10 == _decile) return;
        (_stage, _decile) = (value.Stage, percent / 10);
        writer.WriteLine($"smoothinfo: {value.Stage} ({percent}%)");
    }
}
