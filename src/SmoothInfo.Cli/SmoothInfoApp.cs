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
        catch (InputException e)
        {
            stderr.WriteLine(e.ToDiagnosticLine());
            return ExitCodes.UsageOrInputError;
        }
        catch (PolicyValidationException e)
        {
            foreach (string line in e.ToDiagnosticLines()) stderr.WriteLine(line);
            return ExitCodes.UsageOrInputError;
        }
        catch (Exception e)
        {
            // A bug or an environment failure (native library, out of memory): one clear line, the trace only on request.
            stderr.WriteLine($"smoothinfo: error {ErrorCodes.InternalError}: {e.GetType().Name}: {e.Message}");
            if (Environment.GetEnvironmentVariable("SMOOTHINFO_TRACE") == "1") stderr.WriteLine(e);
            else stderr.WriteLine("Set SMOOTHINFO_TRACE=1 to see the stack trace, and please report it.");
            return ExitCodes.InternalFailure;
        }
    }
}
