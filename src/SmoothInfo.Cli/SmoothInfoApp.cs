using System.CommandLine;
using SmoothInfo.Cli.Commands;
using SmoothInfo.Diagnostics;

namespace SmoothInfo.Cli;

/// <summary>
/// The `smoothinfo` command line: one subcommand per user action. Exit codes scripts can trust:
/// 0 success (gate passed), 1 gate failed, 2 usage or input error, 3 internal failure.
/// </summary>
public static class SmoothInfoApp
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand(
            "smoothinfo: measures how much each training sample informs a neural network (Smooth Unique Information, " +
            "Harutyunyan et al., ICLR 2021) and flags samples that carry too much of it.")
        {
            CheckCommand.Create(stderr),
            ReportCommand.Create(),
            InitCommand.Create(),
            BaselineCommand.Create(stderr),
            KernelCommand.Create(stderr),
            ShardCommand.Create(),
            TorchScriptWeightsCommand.Create(),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                stderr.WriteLine($"smoothinfo: error {ErrorCodes.UsageError}: {error.Message}");
            string command = parse.CommandResult.Command == root ? "" : " " + parse.CommandResult.Command.Name;
            stderr.WriteLine($"Run 'smoothinfo{command} --help' for the options and an example.");
            return ExitCodes.UsageOrInputError;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return Fail(e, parse.CommandResult.Command.Name, stderr);
        }
    }

    /// <summary>What a command's exception becomes at the boundary: diagnostic lines on stderr and the exit code.</summary>
    internal static int Fail(Exception e, string command, TextWriter stderr)
    {
        switch (e)
        {
            case InputException input:
                stderr.WriteLine(input.ToDiagnosticLine());
                return ExitCodes.UsageOrInputError;
            case PolicyValidationException policy:
                foreach (string line in policy.ToDiagnosticLines()) stderr.WriteLine(line);
                return ExitCodes.UsageOrInputError;
            case var _ when OutOfMemoryError.Matches(e):
                // Too large for this machine: the user can shrink the problem, so it is their input to change, not our bug.
                stderr.WriteLine(OutOfMemoryError.From(e, command).ToDiagnosticLine());
                return ExitCodes.UsageOrInputError;
            default:
                // A bug or an environment failure (native library): one clear line (libtorch appends its native frames to the
                // message), the trace only on request.
                stderr.WriteLine($"smoothinfo: error {ErrorCodes.InternalError}: {e.GetType().Name}: {e.Message.Split('\n')[0].TrimEnd()}");
                if (Environment.GetEnvironmentVariable("SMOOTHINFO_TRACE") == "1") stderr.WriteLine(e);
                else stderr.WriteLine("Set SMOOTHINFO_TRACE=1 to see the stack trace, and please report it.");
                return ExitCodes.InternalFailure;
        }
    }
}
