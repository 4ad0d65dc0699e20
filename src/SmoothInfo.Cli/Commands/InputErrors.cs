using SmoothInfo.Diagnostics;

namespace SmoothInfo.Cli.Commands;

/// <summary>Bad input ends a command with `file(line,col): error SIxxxx: message Fix: ...` lines on stderr and exit code 2.</summary>
internal static class InputErrors
{
    public const int ExitCode = 2;

    /// <summary>Runs a command body; input errors are printed, never thrown as a stack trace.</summary>
    public static int Guard(TextWriter stderr, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (InputException e)
        {
            stderr.WriteLine(e.ToDiagnosticLine());
            return ExitCode;
        }
        catch (PolicyValidationException e)
        {
            foreach (string line in e.ToDiagnosticLines()) stderr.WriteLine(line);
            return ExitCode;
        }
    }
}
