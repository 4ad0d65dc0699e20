using System.Globalization;
using System.Text;
using SmoothInfo.Data.Csv;

namespace SmoothInfo.Tests.Data;

public sealed class CsvNumberTests
{
    [TestCase("0")]
    [TestCase("255")]
    [TestCase("-0.5")]
    [TestCase("+3.25")]
    [TestCase("0.1")]
    [TestCase("123456789012345")]
    [TestCase("1234567890123456789")]
    [TestCase("0.000001")]
    [TestCase(".5")]
    [TestCase("5.")]
    [TestCase("1e-3")]
    [TestCase(" 7 ")]
    [TestCase("-0")]
    public void GivesExactlyWhatDoubleParseGives(string text)
    {
        Assert.That(CsvNumber.TryParse(Encoding.UTF8.GetBytes(text), out double value), Is.True);
        Assert.That(BitConverter.DoubleToInt64Bits(value), Is.EqualTo(BitConverter.DoubleToInt64Bits(double.Parse(text, CultureInfo.InvariantCulture))));
    }

    [Test]
    public void RandomDecimalsMatchDoubleParseBitForBit()
    {
        var random = new Random(11);
        for (int i = 0; i < 100_000; i++)
        {
            string text = (random.NextDouble() * Math.Pow(10, random.Next(-6, 9))).ToString("F" + random.Next(0, 9), CultureInfo.InvariantCulture);
            Assert.That(CsvNumber.TryParse(Encoding.UTF8.GetBytes(text), out double value), Is.True);
            if (value != double.Parse(text, CultureInfo.InvariantCulture)) Assert.Fail($"{text}: {value:R}");
        }
    }

    [TestCase("")]
    [TestCase("-")]
    [TestCase(".")]
    [TestCase("1.2.3")]
    [TestCase("abc")]
    [TestCase("1,5")]
    public void RejectsWhatIsNotANumber(string text) =>
        Assert.That(CsvNumber.TryParse(Encoding.UTF8.GetBytes(text), out _), Is.False);
}
