namespace SmoothInfo.Cli.Output;

/// <summary>
/// Reports on the caller's thread before <see cref="Report"/> returns. <see cref="Progress{T}"/> posts each report to
/// the thread pool instead, so its lines can arrive late, out of order, or interleaved with lines written directly;
/// the MSBuild task parses these lines, so every report goes through here.
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
