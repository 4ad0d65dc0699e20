using SmoothInfo.Build.Ci;

namespace SmoothInfo.Build.Tests.Ci;

/// <summary>Which MSBuild lines actions/setup-dotnet's problem matcher turns into annotations.</summary>
public sealed class SetupDotnetProblemMatcherTests
{
    [Test]
    public void PatternIsExactlyTheOneSetupDotnetRegisters()
    {
        // From actions/setup-dotnet's .github/csc.json, as the issue quotes it.
        const string registered = @"^(.*)\((\d+)(?:,\d+|,\d+,\d+)?\):\s+(error|warning)\s+([a-zA-Z]+(?<!MSB)\d+):\s*(.*?)\s+\[(.*?)\]$";
        Assert.That(SetupDotnetProblemMatcher.Pattern, Is.EqualTo(registered));
    }

    // Lines as MSBuild 18.9's console logger printed them for the gate's diagnostics (dotnet build -tl:off).
    [TestCase("/repo/data/train.csv(3): error SI1001: msg [/repo/Model.csproj]", true)]
    [TestCase("/repo/data/train.csv(3,1): error SI1001: msg [/repo/Model.csproj]", true)]
    [TestCase("/repo/data/train.csv(3,1): warning SI1500: msg [/repo/Model.csproj]", true)]
    [TestCase("/repo/data/train.csv(3,1,3,6): error SI1001: msg [/repo/Model.csproj]", false)]
    [TestCase("/repo/data/train.csv(3-3,1): error SI1001: msg [/repo/Model.csproj]", false)]
    [TestCase("/repo/data/train.csv(3,1-6): error SI1001: msg [/repo/Model.csproj]", false)]
    [TestCase("/repo/data/train.csv(3-4): error SI1001: msg [/repo/Model.csproj]", false)]
    [TestCase("/repo/data/train/Coat/0616.png : error SI1002: likely corrupted [/repo/Model.csproj]", false)]
    [TestCase("/repo/smoothinfo.yml : error SI1100: 24 findings exceed the budget [/repo/Model.csproj]", false)]
    [TestCase("/repo/smoothinfo.yml(4,3): error SI2012: unknown key 'datset' [/repo/Model.csproj]", true)]
    [TestCase("/repo/Model.csproj(12,5): error MSB4018: task failed [/repo/Model.csproj]", false)]
    [TestCase("/repo/data/train.csv(3,1): message SI1900: info [/repo/Model.csproj]", false)]
    [TestCase("/repo/data/train.csv(3,1): error SI1001: msg", false)]
    public void AcceptsOnlyLineOrLineAndColumnPositionsWithAProjectSuffix(string line, bool accepted) =>
        Assert.That(SetupDotnetProblemMatcher.Accepts(line), Is.EqualTo(accepted));
}
