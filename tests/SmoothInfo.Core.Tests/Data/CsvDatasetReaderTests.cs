using SmoothInfo.Data;
using SmoothInfo.Diagnostics;

namespace SmoothInfo.Tests.Data;

public sealed class CsvDatasetReaderTests : DataFolder
{
    [Test]
    public void ReadsFeaturesLabelsIdsSourcesAndLocators()
    {
        string file = WriteText("train.csv", "id,x1,x2,x3,note,label,source\nA,1,2,3,n,cat,web\nB,4,5.5,-6e-1,n,dog,lab\n");
        var data = Read("format: csv\npath: train.csv\nfeatureColumns: [x1..x2, x3]\nidColumn: id\nsourceColumn: source");
        Assert.That(data.Count, Is.EqualTo(2));
        Assert.That(data.SampleShape, Is.EqualTo(new[] { 3 }));
        Assert.That(AllFeatures(data), Is.EqualTo(new[] { 1f, 2f, 3f, 4f, 5.5f, -0.6f }));
        Assert.That(data.ClassNames, Is.EqualTo(new[] { "cat", "dog" }));
        Assert.That(data.Labels.ToArray(), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(data[1].Locator, Is.EqualTo(SampleLocator.AtLine(file, 3)));
        Assert.That((data[1].Id, data[1].Source), Is.EqualTo(("B", "lab")));
    }

    [Test]
    public void AllColumnsButLabelIdAndSourceAreFeaturesByDefault()
    {
        WriteText("t.tsv", "a\tb\tlabel\n1\t2\t0\n");
        var data = Read("format: tsv\npath: t.tsv");
        Assert.That(AllFeatures(data), Is.EqualTo(new[] { 1f, 2f }));
    }

    [Test]
    public void QuotedFieldsFollowRfc4180AndLinesCountTheirLineBreaks()
    {
        string file = WriteText("q.csv", "note,x,label\r\n\"a, \"\"quoted\"\"\nnote\",\"1.5\",a\r\n\r\nplain,2,\"\"\"b\"\"\"\r\n");
        var data = Read("format: csv\npath: q.csv\nidColumn: note");
        Assert.That(data[0].Id, Is.EqualTo("a, \"quoted\"\nnote"));
        Assert.That(AllFeatures(data), Is.EqualTo(new[] { 1.5f, 2f }));
        Assert.That(data[1].Locator, Is.EqualTo(SampleLocator.AtLine(file, 5)), "a blank line is skipped but counted");
        Assert.That(data.ClassNames, Is.EqualTo(new[] { "\"b\"", "a" }));
    }

    [TestCase("x,label\n1,a\n2,\"b\"c\n", 3, "text follows the closing quote")]
    [TestCase("x,label\n1,a\n2,\"b\"\"\"c\n", 3, "text follows the closing quote")]
    [TestCase("x,label\n1,a\n2,b\"c\n", 3, "a double quote appears inside an unquoted field")]
    [TestCase("x,label\n1,a\n\"2,b\n3,c\n", 3, "a quoted field is never closed")]
    public void MalformedRowNamesFileLineAndTheProblem(string csv, int line, string problem)
    {
        string file = WriteText("m.csv", csv);
        var e = ReadFails("format: csv\npath: m.csv");
        AssertError(e, ErrorCodes.CsvMalformedRow, file, line);
        Assert.That(e.Message, Does.Contain(problem));
    }

    [Test]
    public void WrongNumberOfColumnsSaysHowManyAreExpected()
    {
        string file = WriteText("c.csv", "x,y,label\n1,2,a\n1,a\n");
        var e = ReadFails("format: csv\npath: c.csv");
        AssertError(e, ErrorCodes.CsvColumnCount, file, 3);
        Assert.That(e.Message, Does.Contain("the row has 2 field(s)").And.Contain("3 are expected"));
    }

    [Test]
    public void TextInAFeatureColumnNamesTheColumnAndAsksForANumber()
    {
        string file = WriteText("n.csv", "x,y,label\n1,2,a\n1,two,a\n");
        var e = ReadFails("format: csv\npath: n.csv");
        AssertError(e, ErrorCodes.CsvNotANumber, file, 3);
        Assert.That(e.Location!.Column, Is.EqualTo(3));
        Assert.That(e.Message, Does.Contain("'y' holds 'two'").And.Contain("a number"));
    }

    [TestCase("NaN")]
    [TestCase("inf")]
    [TestCase("-Infinity")]
    [TestCase("1e40")]
    public void NonFiniteValueIsRefusedAtItsLine(string value)
    {
        string file = WriteText("f.csv", $"x,label\n1,a\n{value},b\n");
        var e = ReadFails("format: csv\npath: f.csv");
        AssertError(e, ErrorCodes.NonFiniteFeature, file, 3);
        Assert.That(e.Message, Does.Contain("a finite number"));
    }

    [Test]
    public void UnknownLabelNamesTheLineAndTheDeclaredClasses()
    {
        string file = WriteText("l.csv", "x,label\n1,cat\n2,dgo\n");
        var e = ReadFails("format: csv\npath: l.csv\nclasses: [cat, dog]");
        AssertError(e, ErrorCodes.LabelUnknown, file, 3);
        Assert.That(e.Message, Does.Contain("'dgo'").And.Contain("cat, dog"));
    }

    [Test]
    public void NumericLabelsIndexDeclaredClasses()
    {
        WriteText("l.csv", "x,label\n1,1\n2,0\n");
        var data = Read("format: csv\npath: l.csv\nclasses: [cat, dog]");
        Assert.That(data.Labels.ToArray(), Is.EqualTo(new[] { 1, 0 }));
    }

    [Test]
    public void MissingLabelIsNamedAtItsLine()
    {
        string file = WriteText("l.csv", "x,label\n1,a\n2,\n");
        var e = ReadFails("format: csv\npath: l.csv");
        AssertError(e, ErrorCodes.LabelMissing, file, 3);
        Assert.That(e.Message, Does.Contain("has no label"));
    }

    [Test]
    public void InferredNumericClassesSortAsNumbers()
    {
        WriteText("l.csv", "x,label\n1,10\n2,2\n3,1\n");
        Assert.That(Read("format: csv\npath: l.csv").ClassNames, Is.EqualTo(new[] { "1", "2", "10" }));
    }

    [TestCase("x,label\n")]
    [TestCase("")]
    public void EmptyDatasetIsAnError(string csv)
    {
        string file = WriteText("e.csv", csv);
        var e = ReadFails("format: csv\npath: e.csv");
        AssertError(e, ErrorCodes.DatasetEmpty, file);
    }

    [Test]
    public void MissingFileIsAnError()
    {
        WriteText("there.csv", "x,label\n1,a\n");
        var policy = Policy("format: csv\npath: there.csv");
        File.Delete(PathOf("there.csv"));
        var e = Assert.Throws<InputException>(() => DatasetReader.Read(policy))!;
        AssertError(e, ErrorCodes.FileNotFound, PathOf("there.csv"));
    }

    [Test]
    public void UnreadableFileIsAnError()
    {
        // A folder where a file is expected cannot be opened for reading, whoever runs the test (root ignores permissions).
        Directory.CreateDirectory(PathOf("folder.csv"));
        var e = ReadFails("format: csv\npath: folder.csv");
        AssertError(e, ErrorCodes.FileNotFound, PathOf("folder.csv"));
        Assert.That(e.Message, Does.Contain("cannot be read"));
    }

    [Test]
    public void ColumnMissingFromTheHeaderSuggestsTheClosestOne()
    {
        string file = WriteText("h.csv", "x,lable\n1,a\n");
        var e = ReadFails("format: csv\npath: h.csv");
        AssertError(e, ErrorCodes.CsvUnknownColumn, file, 1);
        Assert.That(e.Message, Does.Contain("'label' named by 'dataset.labelColumn'").And.Contain("Did you mean 'lable'?"));
    }

    [Test]
    public void DatasetOverTheBudgetNamesTheFirstRowBeyondIt()
    {
        string file = WriteText("b.csv", "x,label\n1,a\n2,b\n3,a\n4,b\n");
        var e = ReadFails("format: csv\npath: b.csv", maxSamples: 3);
        AssertError(e, ErrorCodes.DatasetTooLarge, file, 5);
        Assert.That(e.Message, Does.Contain("allows 3"));
        Assert.That(e.Fix, Does.Contain("estimator.maxSamples"));
    }

    [Test]
    public void FirstBadRowIsReportedEvenWhenRowsAreParsedInParallel()
    {
        var rows = Enumerable.Range(0, 5000).Select(i => i is 700 or 3100 ? "x,a" : $"{i},a");
        string file = WriteText("p.csv", "x,label\n" + string.Join("\n", rows) + "\n");
        var e = ReadFails("format: csv\npath: p.csv");
        AssertError(e, ErrorCodes.CsvNotANumber, file, 702);
    }

    [Test]
    public void ContentHashIgnoresLabelsAndFileNamesButNotFeatures()
    {
        WriteText("one.csv", "x,y,label\n1,2,a\n3,4,b\n");
        WriteText("two.csv", "x,y,label\n3.0,4,a\n1,2,b\n1,2.5,b\n");
        var one = Read("format: csv\npath: one.csv");
        var two = Read("format: csv\npath: two.csv");
        Assert.That(two[1].ContentHash, Is.EqualTo(one[0].ContentHash), "same features, other file, other label");
        Assert.That(two[0].ContentHash, Is.EqualTo(one[1].ContentHash), "3.0 and 3 are the same value");
        Assert.That(two[2].ContentHash, Is.Not.EqualTo(one[0].ContentHash));
        Assert.That(one[0].ContentHash, Does.Match("^[0-9a-f]{64}$"));
    }

    [Test]
    public void StandardizeAndScaleWorkPerFeatureAndHashTheRawValues()
    {
        WriteText("s.csv", "x,c,label\n1,5,a\n3,5,b\n");
        var raw = Read("format: csv\npath: s.csv");
        var standardized = Read("format: csv\npath: s.csv\npreprocessing: { features: standardize }");
        var scaled = Read("format: csv\npath: s.csv\npreprocessing: { features: scale }");
        Assert.That(AllFeatures(standardized), Is.EqualTo(new[] { -1f, 0f, 1f, 0f }));
        Assert.That(AllFeatures(scaled), Is.EqualTo(new[] { 0f, 0f, 1f, 0f }));
        Assert.That(standardized[0].ContentHash, Is.EqualTo(raw[0].ContentHash));
    }
}
