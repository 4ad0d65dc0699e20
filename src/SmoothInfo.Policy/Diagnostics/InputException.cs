namespace SmoothInfo.Diagnostics;

/// <summary>
/// A problem with what the user gave us (a policy, a data file, an option): never a bug of ours.
/// The tools print it as <c>file(line,col): error CODE: message Fix: ...</c> and exit with code 2.
/// </summary>
public sealed class InputException : Exception
{
    public InputException(string code, string message, string? fix = null, SourceLocation? location = null)
        : base(message)
    {
        Code = code;
        Fix = fix;
        Location = location;
    }

    public string Code { get; }
    public string? Fix { get; }
    public SourceLocation? Location { get; }

    /// <summary>The canonical one-line form that IDEs and CI annotate.</summary>
    public string ToDiagnosticLine(string tool = "smoothinfo")
    {
        string where = Location?.ToString() ?? tool;
        string fix = Fix is null ? "" : $" Fix: {Fix}";
        return $"{where}: error {Code}: {Message}{fix}";
    }
}
