using System.Globalization;

namespace SmoothInfo.Data.Csv;

/// <summary>
/// Parses a number from UTF-8. Plain decimals (an optional sign, up to 15 digits, an optional fraction,
/// no exponent), which is what almost every numeric CSV holds, take a fast path that gives exactly what
/// double.Parse gives: an integer below 2^53 divided by an exact power of ten is correctly rounded by
/// IEEE division. Everything else (exponents, NaN, spaces, long digit strings) goes to double.TryParse.
/// </summary>
internal static class CsvNumber
{
    private static readonly double[] PowersOfTen = Enumerable.Range(0, 16).Select(i => Math.Pow(10, i)).ToArray();

    public static bool TryParse(ReadOnlySpan<byte> text, out double value)
    {
        if (TryPlainDecimal(text, out value)) return true;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryPlainDecimal(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        int i = 0;
        bool negative = false;
        if (text.Length > 0 && (text[0] == (byte)'-' || text[0] == (byte)'+'))
        {
            negative = text[0] == (byte)'-';
            i = 1;
        }
        long digits = 0;
        int count = 0, fraction = -1;
        for (; i < text.Length; i++)
        {
            byte c = text[i];
            if (c == (byte)'.' && fraction < 0)
            {
                fraction = 0;
                continue;
            }
            uint digit = (uint)(c - (byte)'0');
            if (digit > 9 || ++count > 15) return false;
            digits = digits * 10 + digit;
            if (fraction >= 0) fraction++;
        }
        if (count == 0) return false;
        value = fraction > 0 ? digits / PowersOfTen[fraction] : digits;
        if (negative) value = -value;
        return true;
    }
}
