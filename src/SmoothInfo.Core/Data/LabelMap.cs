using System.Globalization;
using SmoothInfo.Diagnostics;

namespace SmoothInfo.Data;

/// <summary>
/// Labels as written (class names or numbers) to class indices. With classes declared in the policy, a
/// label is a class name, or else a number indexing that list (IDX and NPY labels are numbers); anything
/// else is an unknown label. Without them, the classes are the distinct labels, sorted (numerically when
/// all are integers), so the same data always gives the same indices.
/// </summary>
internal static class LabelMap
{
    public static (int[] Labels, IReadOnlyList<string> ClassNames) Map(IReadOnlyList<string> raw, IReadOnlyList<SampleLocator> locators, IReadOnlyList<string> declared)
    {
        for (int i = 0; i < raw.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(raw[i]))
                throw new InputException(ErrorCodes.LabelMissing, $"sample {locators[i]} has no label; every sample needs one.",
                    "fill in the label, or remove the sample.", locators[i].ToSourceLocation());
        }
        var classes = declared.Count > 0 ? declared : Infer(raw);
        var index = classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var labels = new int[raw.Count];
        for (int i = 0; i < raw.Count; i++)
        {
            if (index.TryGetValue(raw[i], out int byName)) labels[i] = byName;
            else if (int.TryParse(raw[i], NumberStyles.None, CultureInfo.InvariantCulture, out int byNumber) && byNumber < classes.Count) labels[i] = byNumber;
            else throw new InputException(ErrorCodes.LabelUnknown,
                $"sample {locators[i]} has the label '{raw[i]}', which is not one of the classes in 'dataset.classes' ({string.Join(", ", classes)}); " +
                $"a class name or a number from 0 to {classes.Count - 1} is expected.",
                "correct the label, or add the class to 'dataset.classes' in the policy.", locators[i].ToSourceLocation());
        }
        return (labels, classes);
    }

    private static IReadOnlyList<string> Infer(IReadOnlyList<string> raw)
    {
        var distinct = raw.Distinct(StringComparer.Ordinal).ToList();
        bool numeric = distinct.All(l => long.TryParse(l, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
        return numeric
            ? distinct.OrderBy(l => long.Parse(l, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)).ToArray()
            : distinct.OrderBy(l => l, StringComparer.Ordinal).ToArray();
    }
}
