using System.Globalization;
using SmoothInfo.Gate;

namespace SmoothInfo.Tests.Gate;

public sealed class ReportedPrecisionTests
{
    /// <summary>The slow twin: the same rounding in decimal arithmetic on the value's shortest round-trip text.</summary>
    private static double Reference(double value)
    {
        decimal exact = decimal.Parse(value.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (Math.Abs(value) < 1e-3) return (double)(Math.Round(exact / 1e-10m, MidpointRounding.ToEven) * 1e-10m);
        int exponent = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        decimal scale = (decimal)Math.Pow(10, exponent - 6);
        return (double)(Math.Round(exact / scale, MidpointRounding.ToEven) * scale);
    }

    [Test]
    public void AgreesWithDecimalRoundingFromTinyToLargeValues()
    {
        var random = new Random(11);
        for (int i = 0; i < 20_000; i++)
        {
            double value = (random.NextDouble() * 2 - 1) * Math.Pow(10, random.Next(-14, 12));
            Assert.That(ReportedPrecision.Round(value), Is.EqualTo(Reference(value)), value.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    [Test]
    public void RoundingTwiceChangesNothingSoCachedOutputIsReportedAsIs()
    {
        var random = new Random(12);
        for (int i = 0; i < 20_000; i++)
        {
            double once = ReportedPrecision.Round((random.NextDouble() * 2 - 1) * Math.Pow(10, random.Next(-14, 12)));
            Assert.That(ReportedPrecision.Round(once), Is.EqualTo(once));
        }
    }

    [TestCase(7.074724116405435E-06, 7.0747E-06)]
    [TestCase(2.4673474185590925E-08, 2.47E-08)]
    [TestCase(3605633.216106949, 3605633.0)]
    [TestCase(0.12345678, 0.1234568)]
    [TestCase(4e-11, 0.0)]
    [TestCase(double.NaN, double.NaN)]
    public void KeepsSevenSignificantDigitsAndNothingBelowTheResolution(double value, double expected) =>
        Assert.That(ReportedPrecision.Round(value), Is.EqualTo(expected));
}
