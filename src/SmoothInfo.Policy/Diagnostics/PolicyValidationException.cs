namespace SmoothInfo.Diagnostics;

/// <summary>
/// Every problem found in one policy file, so the user fixes them all in one go rather than one per run.
/// Each error is an <see cref="InputException"/> with the policy file, line and column.
/// </summary>
public sealed class PolicyValidationException : Exception
{
    public PolicyValidationException(IReadOnlyList<InputException> errors)
        : base(errors.Count == 1 ? errors[0].Message : $"the policy has {errors.Count} errors.")
    {
        if (errors.Count == 0) throw new ArgumentException("a validation failure needs at least one error", nameof(errors));
        Errors = errors;
    }

    public IReadOnlyList<InputException> Errors { get; }

    /// <summary>One diagnostic line per error, in file order.</summary>
    public IEnumerable<string> ToDiagnosticLines(string tool = "smoothinfo") => Errors.Select(e => e.ToDiagnosticLine(tool));
}
