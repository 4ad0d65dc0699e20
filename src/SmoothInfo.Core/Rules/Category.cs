using SmoothInfo.Diagnostics;

namespace SmoothInfo.Rules;

public enum Category { Mislabeled, Corrupted, AdversarialLooking, Atypical }

/// <summary>Codes, names and the fix a diagnostic offers, one place per category.</summary>
public static class Categories
{
    public static string Code(this Category category) => category switch
    {
        Category.Mislabeled => ErrorCodes.Mislabeled,
        Category.Corrupted => ErrorCodes.Corrupted,
        Category.AdversarialLooking => ErrorCodes.AdversarialLooking,
        Category.Atypical => ErrorCodes.Atypical,
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };

    public static string Name(this Category category) => category switch
    {
        Category.Mislabeled => "mislabeled",
        Category.Corrupted => "corrupted",
        Category.AdversarialLooking => "adversarial-looking",
        Category.Atypical => "atypical",
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };

    public static string Fix(this Category category) => category switch
    {
        Category.Mislabeled => "correct the label, remove the sample, or accept it into the baseline (smoothinfo baseline)",
        Category.Corrupted => "replace or remove the sample, or accept it into the baseline (smoothinfo baseline)",
        Category.AdversarialLooking => "check where the sample came from and remove it, or accept it into the baseline (smoothinfo baseline)",
        Category.Atypical => "check that the sample is genuine; keep it by accepting it into the baseline (smoothinfo baseline)",
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };
}
