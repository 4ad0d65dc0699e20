using System.Buffers.Binary;
using System.Text;

namespace SmoothInfo.Tests.Fuzz;

/// <summary>
/// Seeded, format-blind mutations of a valid file: bit flips, truncation, duplicated and deleted ranges, huge or
/// negative integers written over header bytes, and tokens that break text formats. The same seed always gives the same
/// input, so a failure is reproduced from its target name and input number alone.
/// </summary>
internal static class Mutator
{
    /// <summary>Integers a reader must not trust: negative, sign boundaries, and sizes no machine can allocate (2^40 and up).</summary>
    private static readonly long[] HugeValues = { -1, int.MaxValue, 1L << 31, uint.MaxValue, 1L << 40, long.MaxValue, long.MinValue };

    private static readonly string[] Tokens =
    {
        "99999999999999999999", "1099511627776", "-1", "1e400", "-0", "NaN", "\"", "'", ",", "\t", "\n", "\r\n", "[", "]", "{", "}",
        ":", "&a ", "*a", "!!binary ", "---\n", "\\u0000", "\0", "\u00e9", "\uffff",
    };

    /// <summary>One to four mutations of <paramref name="seed"/>, chosen by <paramref name="random"/>; their names go to <paramref name="log"/>.</summary>
    public static byte[] Mutate(byte[] seed, Random random, StringBuilder log)
    {
        var bytes = new List<byte>(seed);
        int count = random.Next(1, 5);
        for (int m = 0; m < count; m++)
        {
            switch (random.Next(7))
            {
                case 0: FlipBits(bytes, random, log); break;
                case 1: Truncate(bytes, random, log); break;
                case 2: DuplicateRange(bytes, random, log); break;
                case 3: DeleteRange(bytes, random, log); break;
                case 4: WriteHugeInteger(bytes, random, log); break;
                case 5: InsertToken(bytes, random, log); break;
                default: ReplaceNumber(bytes, random, log); break;
            }
        }
        return bytes.ToArray();
    }

    private static void FlipBits(List<byte> bytes, Random random, StringBuilder log)
    {
        if (bytes.Count == 0) return;
        int flips = random.Next(1, 9);
        for (int i = 0; i < flips; i++)
        {
            int at = Position(bytes, random);
            bytes[at] ^= (byte)(1 << random.Next(8));
        }
        log.Append($"flip {flips} bits; ");
    }

    private static void Truncate(List<byte> bytes, Random random, StringBuilder log)
    {
        int length = random.Next(bytes.Count + 1);
        bytes.RemoveRange(length, bytes.Count - length);
        log.Append($"truncate to {length}; ");
    }

    private static void DuplicateRange(List<byte> bytes, Random random, StringBuilder log)
    {
        if (bytes.Count == 0) return;
        var (start, length) = Range(bytes, random);
        int at = random.Next(bytes.Count + 1);
        bytes.InsertRange(at, bytes.GetRange(start, length));
        log.Append($"duplicate [{start}, {start + length}) at {at}; ");
    }

    private static void DeleteRange(List<byte> bytes, Random random, StringBuilder log)
    {
        if (bytes.Count == 0) return;
        var (start, length) = Range(bytes, random);
        bytes.RemoveRange(start, length);
        log.Append($"delete [{start}, {start + length}); ");
    }

    /// <summary>A length or dimension field overwritten: 4 or 8 bytes, either byte order, usually in the first 64 bytes (where headers are).</summary>
    private static void WriteHugeInteger(List<byte> bytes, Random random, StringBuilder log)
    {
        long value = HugeValues[random.Next(HugeValues.Length)];
        int width = random.Next(2) == 0 ? 4 : 8;
        bool bigEndian = random.Next(2) == 0;
        if (bytes.Count < width) return;
        int limit = random.Next(4) == 0 ? bytes.Count : Math.Min(bytes.Count, 64);
        int at = random.Next(Math.Max(1, limit - width + 1));
        Span<byte> field = stackalloc byte[8];
        if (bigEndian) BinaryPrimitives.WriteInt64BigEndian(field, value); else BinaryPrimitives.WriteInt64LittleEndian(field, value);
        var written = bigEndian ? field[(8 - width)..] : field[..width];
        for (int i = 0; i < width; i++) bytes[at + i] = written[i];
        log.Append($"write {value} as {width} bytes {(bigEndian ? "BE" : "LE")} at {at}; ");
    }

    private static void InsertToken(List<byte> bytes, Random random, StringBuilder log)
    {
        string token = Tokens[random.Next(Tokens.Length)];
        int at = random.Next(bytes.Count + 1);
        bytes.InsertRange(at, Encoding.UTF8.GetBytes(token));
        log.Append($"insert {Escape(token)} at {at}; ");
    }

    /// <summary>A run of ASCII digits (a shape, a count, an offset in a text header) replaced by a huge or negative number.</summary>
    private static void ReplaceNumber(List<byte> bytes, Random random, StringBuilder log)
    {
        if (bytes.Count == 0) return;
        int probe = Position(bytes, random);
        int start = bytes.FindIndex(probe, b => b is >= (byte)'0' and <= (byte)'9');
        if (start < 0) start = bytes.FindIndex(b => b is >= (byte)'0' and <= (byte)'9');
        if (start < 0) return;
        int end = start;
        while (end < bytes.Count && bytes[end] is >= (byte)'0' and <= (byte)'9') end++;
        string number = HugeValues[random.Next(HugeValues.Length)].ToString(System.Globalization.CultureInfo.InvariantCulture);
        bytes.RemoveRange(start, end - start);
        bytes.InsertRange(start, Encoding.ASCII.GetBytes(number));
        log.Append($"replace the number at {start} by {number}; ");
    }

    private static int Position(List<byte> bytes, Random random) => random.Next(bytes.Count);

    private static (int Start, int Length) Range(List<byte> bytes, Random random)
    {
        int start = Position(bytes, random);
        int length = random.Next(1, Math.Min(bytes.Count - start, 4096) + 1);
        return (start, length);
    }

    private static string Escape(string token) => token.Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t").Replace("\0", "\\0");
}
