using System.Collections.Concurrent;
using System.Diagnostics;

namespace SmoothInfo.Build.Process;

/// <summary>
/// Runs the estimator as a child process: its output lines are handed to the caller on the caller's thread
/// (MSBuild logging belongs to the task's thread), the timeout and a build cancellation kill the whole
/// process tree, and the result always says how the process ended. It never waits forever.
/// </summary>
internal sealed class EstimatorProcess
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    // After the exit, output still in the pipes is drained for at most this long (a grandchild could hold them open).
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _canceled = new();

    /// <summary>Called from MSBuild's cancellation thread (Ctrl+C); the run loop notices and kills the child.</summary>
    public void Cancel() => _canceled.Cancel();

    /// <exception cref="System.ComponentModel.Win32Exception">The program could not be started.</exception>
    public EstimatorExit Run(EstimatorCommand command, int timeoutMilliseconds, Action<string> onOutputLine)
    {
        var start = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (string argument in command.Arguments) start.ArgumentList.Add(argument);

        using var lines = new BlockingCollection<string>();
        using var process = new System.Diagnostics.Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Add(e.Data); };

        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        bool timedOut = false, canceled = false;
        while (!process.HasExited)
        {
            if (lines.TryTake(out string? line, PollInterval)) onOutputLine(line);
            if (timeoutMilliseconds > 0 && clock.ElapsedMilliseconds > timeoutMilliseconds) timedOut = true;
            if (_canceled.IsCancellationRequested) canceled = true;
            if (timedOut || canceled)
            {
                KillTree(process);
                break;
            }
        }
        WaitForOutputToEnd(process);
        while (lines.TryTake(out string? rest)) onOutputLine(rest);

        int? exitCode = process.HasExited && !timedOut && !canceled ? process.ExitCode : null;
        return new EstimatorExit(exitCode, timedOut, canceled, clock.Elapsed);
    }

    private static void KillTree(System.Diagnostics.Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill: nothing left to stop.
        }
    }

    private static void WaitForOutputToEnd(System.Diagnostics.Process process)
    {
        using var limit = new CancellationTokenSource(DrainLimit);
        try
        {
            process.WaitForExitAsync(limit.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Output pipes still open after the limit: log what arrived and move on rather than hang the build.
        }
    }
}
