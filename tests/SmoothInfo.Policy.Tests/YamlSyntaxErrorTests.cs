using SmoothInfo.Diagnostics;

namespace SmoothInfo.Policy.Tests;

/// <summary>Every YAML parser failure is one located SI2011 with a fix, whatever YamlDotNet throws.</summary>
public sealed class YamlSyntaxErrorTests : PolicyFiles
{
    [TestCase("version: 1\ndataset:\n  format: csv\n  path: [unclosed\nother: 1\n", 4, 9, "'['")]
    [TestCase("version: 1\ndataset:\n  path: [unclosed\n  format: csv\n", 3, 9, "'['")]
    [TestCase("version: 1\ndataset: {format: csv\nother: 2\n", 2, 10, "'{'")]
    public void UnclosedFlowCollectionPointsAtItsBracket(string yaml, int line, int column, string bracket)
    {
        var e = SingleError(yaml);
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicySyntax));
        Assert.That((e.Location!.Line, e.Location.Column), Is.EqualTo((line, column)));
        Assert.That(e.Message, Does.StartWith("the policy is not valid YAML").And.Contain(bracket).And.Contain("not closed"));
        Assert.That(e.Fix, Does.Contain("close it"));
    }

    [Test]
    public void TabIndentationIsReportedAtTheTab()
    {
        var e = SingleError("version: 1\ndataset:\n\tformat: csv\n  path: train.csv\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicySyntax));
        Assert.That((e.Location!.Line, e.Location.Column), Is.EqualTo((3, 1)));
        Assert.That(e.Fix, Does.Contain("indent with spaces"));
    }

    [Test]
    public void TabAfterSpacesInIndentationIsReportedAtItsColumn()
    {
        var e = SingleError("version: 1\ndataset:\n  format: csv\n  \tpath: train.csv\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicySyntax));
        Assert.That((e.Location!.Line, e.Location.Column), Is.EqualTo((4, 3)));
    }

    [Test]
    public void AnAliasWithoutItsAnchorIsReportedAtTheAlias()
    {
        var e = SingleError("version: 1\ndataset:\n  format: csv\n  path: *data\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicySyntax));
        Assert.That((e.Location!.Line, e.Location.Column), Is.EqualTo((4, 9)));
        Assert.That(e.Message, Does.Contain("'*data'"));
        Assert.That(e.Fix, Does.Contain("'&data'"));
    }

    [Test]
    public void UnclosedQuoteKeepsYamlDotNetsPosition()
    {
        var e = SingleError("version: 1\ndataset:\n  format: \"csv\n");
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.PolicySyntax));
        Assert.That((e.Location!.Line, e.Location.Column), Is.EqualTo((3, 11)));
        Assert.That(e.Fix, Is.Not.Null);
    }
}
