namespace SmoothInfo.Build.Tests.Packages;

/// <summary>
/// `smoothinfo` as a .NET tool: installed offline from the packed feed, where `dotnet tool install` reads the pointer
/// package and picks this machine's RID-specific package by itself. The installed launcher then prints its help and
/// runs a real check, which loads the packed libtorch.
/// </summary>
public sealed class ToolInstallTests
{
    [Test]
    public void InstallsThisPlatformsPackageOfflineAndRunsACheck()
    {
        PackedFeed.AssumeThisMachineIsLinuxX64();
        string tools = Path.Combine(PackedFeed.Root, "tools");
        var install = DotnetCli.Run(PackedFeed.Root, ["tool", "install", "SmoothInfo.Cli", "--tool-path", tools, "--configfile", PackedFeed.NuGetConfigFile],
            PackedFeed.Environment);
        Assert.That(install.ExitCode, Is.Zero, install.ToString());
        Assert.That(Directory.GetDirectories(PackedFeed.PackagesFolder).Select(Path.GetFileName), Does.Not.Contain("smoothinfo.cli.win-x64"));

        string smoothinfo = Path.Combine(tools, "smoothinfo");
        var help = DotnetCli.RunProgram(smoothinfo, PackedFeed.Root, ["--help"]);
        Assert.That(help.ExitCode, Is.Zero, help.ToString());
        Assert.That(help.Output, Does.Contain("check").And.Contain("report").And.Contain("baseline"));

        string data = Directory.CreateDirectory(Path.Combine(PackedFeed.Root, "tool-check")).FullName;
        RealCheckData.WriteInto(data);
        var check = DotnetCli.RunProgram(smoothinfo, data, ["check", "--no-progress"]);
        Assert.That(check.ExitCode, Is.AnyOf(0, 1), check.ToString());
        Assert.That(check.Output, Does.Match(RealCheckData.ToolSummary), check.ToString());
    }
}
