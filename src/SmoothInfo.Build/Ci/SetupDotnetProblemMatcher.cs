using System.Text.RegularExpressions;

namespace SmoothInfo.Build.Ci;

/// <summary>
/// The problem matcher actions/setup-dotnet registers on GitHub Actions (its .github/csc.json). It needs a
/// <c>(line)</c> or <c>(line,col)</c> position, so MSBuild's lines for a whole file (an image, the budget error in
/// the policy) and for ranges such as <c>(3,1,3,6)</c> are never annotated by it.
/// </summary>
internal static partial class SetupDotnetProblemMatcher
{
    public const string Pattern = @"^(.*)\((\d+)(?:,\d+|,\d+,\d+)?\):\s+(error|warning)\s+([a-zA-Z]+(?<!MSB)\d+):\s*(.*?)\s+\[(.*?)\]$";

    /// <summary>Whether the runner makes an annotation of this output line (it also needs a non-empty message).</summary>
    public static bool Accepts(string line)
    {
        var match = Matcher().Match(line);
        return match.Success && !string.IsNullOrWhiteSpace(match.Groups[5].Value);
    }

    [GeneratedRegex(Pattern)]
    private static partial Regex Matcher();
}
