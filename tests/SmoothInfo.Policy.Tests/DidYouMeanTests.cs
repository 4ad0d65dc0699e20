using SmoothInfo.Policy.Loading;

namespace SmoothInfo.Policy.Tests;

public sealed class DidYouMeanTests
{
    [TestCase("kitten", "sitting", 3)]
    [TestCase("", "abc", 3)]
    [TestCase("same", "same", 0)]
    [TestCase("cdua", "cuda", 1)]
    public void DistanceCountsEditsAndSwaps(string a, string b, int expected) => Assert.That(DidYouMean.Distance(a, b), Is.EqualTo(expected));

    [TestCase("labelcolumn", "labelColumn")]
    [TestCase("formt", "format")]
    [TestCase("xyzzy", null)]
    public void SuggestsOnlyPlausibleTypos(string typed, string? expected) =>
        Assert.That(DidYouMean.Suggest(typed, new[] { "format", "labelColumn", "path" }), Is.EqualTo(expected));
}
