using SmoothInfo.Build.Diagnostics;

namespace SmoothInfo.Build.Tests.Ci;

/// <summary>Diagnostics as the task logs them (file resolved to a full path), for the CI format tests.</summary>
internal static class CiTestDiagnostics
{
    public const string Project = "/repo/Model.csproj";
    public const string Policy = "/repo/smoothinfo.yml";
    public const string Image = "/repo/data/train/Coat/0616.png";
    public const string Csv = "/repo/data/train.csv";

    public static EstimatorDiagnostic Error(string code, string message, string file, int line = 0, int column = 0, int endLine = 0, int endColumn = 0) =>
        new(DiagnosticSeverity.Error, code, message, file, line, column, endLine, endColumn, null);

    /// <summary>A finding in an image: a whole file, no line.</summary>
    public static EstimatorDiagnostic ImageFinding { get; } =
        Error("SI1002", "labelled Coat, its input lies far from the subspace: likely corrupted.", Image);

    /// <summary>The budget error: no file in the diagnostics file, so the policy itself.</summary>
    public static EstimatorDiagnostic BudgetError { get; } =
        Error("SI1100", "24 findings among 2000 samples exceed the overall budget of 0.", Policy);

    /// <summary>A CSV finding as the estimator reports it: the row's line and its columns.</summary>
    public static EstimatorDiagnostic CsvRangeFinding { get; } =
        Error("SI1001", "sample 2 looks mislabeled", Csv, 3, 1, 3, 6);

    /// <summary>A CSV finding with only line and column, a form setup-dotnet's matcher reads.</summary>
    public static EstimatorDiagnostic CsvPointFinding { get; } =
        Error("SI1003", "sample 3 looks adversarial", Csv, 4, 1);
}
