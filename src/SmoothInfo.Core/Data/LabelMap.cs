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
        RequireLabels(raw, locators);
        var classes = declared.Count > 0 ? declared : Infer(raw);
        return (Indices(raw, classes, (i, expected) => new InputException(ErrorCodes.LabelUnknown,
            $"sample {locators[i]} has the label '{raw[i]}', which is not one of the classes in 'dataset.classes' ({string.Join(", ", classes)}); {expected}",
            "correct the label, or add the class to 'dataset.classes' in the policy.", locators[i].ToSourceLocation())), classes);
    }

    /// <summary>Labels of held-out data: the training data's classes, by name or number; a class the model never trained on has no output to measure.</summary>
    public static (int[] Labels, IReadOnlyList<string> ClassNames) MapToTraining(IReadOnlyList<string> raw, IReadOnlyList<SampleLocator> locators, IReadOnlyList<string> trainingClasses)
    {
        RequireLabels(raw, locators);
        return (Indices(raw, trainingClasses, (i, expected) => new InputException(ErrorCodes.LabelUnknown,
            $"held-out sample {locators[i]} has the label '{raw[i]}', which is not one of the training data's classes ({string.Join(", ", trainingClasses)}); {expected}",
            "correct the label, or remove the sample from the held-out set ('heldOut'): the model has no output for a class it never trained on.",
            locators[i].ToSourceLocation())), trainingClasses);
    }

    private static void RequireLabels(IReadOnlyList<string> raw, IReadOnlyList<SampleLocator> locators)
    {
        for (int i = 0; i < raw.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(raw[i]))
                throw new InputException(ErrorCodes.LabelMissing, $"sample {locators[i]} has no label; every sample needs one.",
                    "fill in the label, or remove the sample.", locators[i].ToSourceLocation());
        }
    }

    /// <param name="unknown">The error for sample i, given what is expected instead.</param>
    private static int[] Indices(IReadOnlyList<string> raw, IReadOnlyList<string> classes,
        Func<int, string, InputException> unknown)
    {
        var index = classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var labels = new int[raw.Count];
        for (int i = 0; i < raw.Count; i++)
        {
            if (index.TryGetValue(raw[i], out int byName)) labels[i] = byName;
            else if (int.TryParse(raw[i], NumberStyles.None, CultureInfo.InvariantCulture, out int byNumber) && byNumber < classes.Count) labels[i] = byNumber;
            else throw unknown(i, $"a class name or a number from 0 to {classes.Count - 1} is expected.");
        }
        return labels;
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
