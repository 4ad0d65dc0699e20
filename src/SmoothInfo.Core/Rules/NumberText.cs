using System.Globalization;
using SmoothInfo.Data;

namespace SmoothInfo.Rules;

/// <summary>How findings and reports write numbers and places: short, invariant culture, the same everywhere.</summary>
public static class NumberText
{
    /// <summary>Two significant digits, or whole numbers from 100 up; infinities as inf.</summary>
    public static string Format(double value) =>
        double.IsInfinity(value) ? (value > 0 ? "inf" : "-inf") : value.ToString(Math.Abs(value) >= 100 ? "F0" : "G2", CultureInfo.InvariantCulture);

    /// <summary>A percentile as an English ordinal (99.5th, 21st, 12th).</summary>
    public static string Ordinal(double percentile)
    {
        string text = percentile.ToString(percentile >= 99 ? "F1" : "F0", CultureInfo.InvariantCulture);
        return text.EndsWith('1') && !text.EndsWith("11", StringComparison.Ordinal) ? text + "st"
            : text.EndsWith('2') && !text.EndsWith("12", StringComparison.Ordinal) ? text + "nd"
            : text.EndsWith('3') && !text.EndsWith("13", StringComparison.Ordinal) ? text + "rd" : text + "th";
    }

    /// <summary>
    /// "sample 12: " for a record of an IDX or NPY array, whose diagnostic points at the file only; empty when the
    /// diagnostic's line already says where the sample is.
    /// </summary>
    public static string RecordPrefix(SampleLocator locator) =>
        locator.Line > 0 ? "" : locator.Index >= 0 ? $"sample {locator.Index}: " : "";
}
