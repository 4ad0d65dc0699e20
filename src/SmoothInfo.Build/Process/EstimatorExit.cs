namespace SmoothInfo.Build.Process;

/// <summary>
/// How the estimator process ended, in words for the build log. Exit codes of the contract:
/// 0 passed, 1 gate failed, 2 input error, 3 internal failure. On Unix .NET reports a process killed by
/// signal N as exit code 128+N, which is how a crash (SIGSEGV, SIGABRT) or the out-of-memory killer (SIGKILL) shows.
/// </summary>
internal sealed record EstimatorExit(int? ExitCode, bool TimedOut, bool Canceled, TimeSpan Elapsed)
{
    public const int Passed = 0;
    public const int GateFailed = 1;
    public const int InputError = 2;
    public const int InternalFailure = 3;

    /// <summary>True for the exits whose diagnostics file is a result worth caching (the same inputs give the same result).</summary>
    public bool IsResult => !TimedOut && !Canceled && ExitCode is Passed or GateFailed or InputError;

    public string Describe(int timeoutMilliseconds)
    {
        if (TimedOut) return $"did not finish within the timeout of {timeoutMilliseconds} ms (SmoothInfoTimeout) and was stopped";
        if (Canceled) return "was stopped because the build was canceled";
        return ExitCode switch
        {
            InternalFailure => "failed internally (exit code 3)",
            int code when OperatingSystem.IsWindows() => $"exited with code {code}",
            int code and > 128 and < 160 => $"was killed by signal {code - 128} ({SignalName(code - 128)}; exit code {code})",
            int code => $"exited with code {code}",
            null => "ended without an exit code",
        };
    }

    private static string SignalName(int signal) => signal switch
    {
        6 => "SIGABRT: the process aborted, e.g. a crash in native code",
        9 => "SIGKILL: killed from outside, often by the out-of-memory killer",
        11 => "SIGSEGV: the process crashed",
        15 => "SIGTERM: asked to stop from outside",
        _ => "see `kill -l`",
    };
}
