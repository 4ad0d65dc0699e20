using System.CommandLine;

namespace SmoothInfo.Cli;

/// <summary>The `smoothinfo` command line: one subcommand per user action.</summary>
public static class SmoothInfoApp
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("smoothinfo: measures how much each training sample informs a network (Smooth Unique Information).");
        root.Subcommands.Add(Commands.InitCommand.Create());
        var config = new InvocationConfiguration { Output = stdout, Error = stderr };
        return root.Parse(args).Invoke(config);
    }
}
