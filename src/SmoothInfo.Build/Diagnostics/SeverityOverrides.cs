using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SmoothInfo.Diagnostics;

namespace SmoothInfo.Build.Diagnostics;

/// <summary>
/// The project's <c>SmoothInfoSeverity</c> items: <c>&lt;SmoothInfoSeverity Include="SI1004" Severity="warning" /&gt;</c>.
/// They can also lower an error, which MSBuild's own NoWarn/WarningsAsErrors (they act on warnings only) cannot.
/// <c>SmoothInfoTreatWarningsAsErrors</c> raises every other gate warning, leaving the compiler's warnings alone.
/// </summary>
internal sealed class SeverityOverrides
{
    private readonly Dictionary<string, DiagnosticSeverity?> _byCode;
    private readonly bool _warningsAsErrors;

    private SeverityOverrides(Dictionary<string, DiagnosticSeverity?> byCode, bool warningsAsErrors)
    {
        _byCode = byCode;
        _warningsAsErrors = warningsAsErrors;
    }

    /// <summary>Reads the items; a severity that is not error, warning, message or none is logged as an error.</summary>
    public static SeverityOverrides Parse(IEnumerable<ITaskItem> items, bool warningsAsErrors, TaskLoggingHelper log)
    {
        var byCode = new Dictionary<string, DiagnosticSeverity?>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in items)
        {
            string severity = item.GetMetadata("Severity").Trim();
            switch (severity.ToLowerInvariant())
            {
                case "error": byCode[item.ItemSpec] = DiagnosticSeverity.Error; break;
                case "warning": byCode[item.ItemSpec] = DiagnosticSeverity.Warning; break;
                case "message": byCode[item.ItemSpec] = DiagnosticSeverity.Message; break;
                case "none": byCode[item.ItemSpec] = null; break;
                default:
                    log.LogError(null, ErrorCodes.GateMisconfigured, null, null, 0, 0, 0, 0,
                        $"SmoothInfoSeverity '{item.ItemSpec}' has Severity='{severity}'; use error, warning, message or none.");
                    break;
            }
        }
        return new SeverityOverrides(byCode, warningsAsErrors);
    }

    /// <summary>The severity to log with, or null when the diagnostic is switched off.</summary>
    public DiagnosticSeverity? Apply(string code, DiagnosticSeverity reported)
    {
        if (_byCode.TryGetValue(code, out var chosen)) return chosen;
        return reported == DiagnosticSeverity.Warning && _warningsAsErrors ? DiagnosticSeverity.Error : reported;
    }
}
