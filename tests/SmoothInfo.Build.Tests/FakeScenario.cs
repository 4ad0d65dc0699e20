namespace SmoothInfo.Build.Tests;

/// <summary>
/// What the fake estimator does in one test (it reads fake-estimator.json beside the policy):
/// the diagnostics file it writes, the lines it prints on stderr, how it ends, and report files it writes
/// into the report folder (name to content).
/// </summary>
internal sealed record FakeScenario(object? Diagnostics, int ExitCode, string End = "exit", string[]? Stderr = null,
    IReadOnlyDictionary<string, string>? Reports = null)
{
    public static readonly string[] ProgressLines = ["smoothinfo: reading dataset (10%)", "smoothinfo: estimating (60%)"];

    public static FakeScenario Passed(params object[] diagnostics) =>
        new(File("passed", "3 samples checked, none flagged", diagnostics), 0, Stderr: ProgressLines);

    public static FakeScenario Failed(params object[] diagnostics) =>
        new(File("failed", $"3 samples checked, {diagnostics.Length} flagged", diagnostics), 1, Stderr: ProgressLines);

    /// <summary>Ends badly without a diagnostics file: "kill" (SIGKILL), "crash" (abort), "hang", or "exit" with the code.</summary>
    public static FakeScenario Dies(string end, int exitCode = 0) =>
        new(null, exitCode, end, ["smoothinfo: estimating (60%)", "libtorch: allocating 12 GB"]);

    public static object Diagnostic(string severity, string code, string message, string? file = null, int line = 0, int column = 0) =>
        new { severity, code, message, file, line, column, endLine = line, endColumn = column == 0 ? 0 : column + 5, helpLink = $"https://smoothinfo.dev/codes/{code}" };

    private static object File(string outcome, string summary, object[] diagnostics) =>
        new { schemaVersion = 1, outcome, summary, diagnostics };
}
