using System.Buffers.Binary;

namespace SmoothInfo.Models.Weights;

/// <summary>
/// Checks that every opcode of a pickle (protocols 0-5) and its argument lie inside the bytes, without interpreting
/// it. libtorch's unpickler allocates what a length field or a memo index claims before it reads (a BINUNICODE claiming
/// 4 GB in a 207-byte pickle cost 4.3 GB and 36 s), so TorchScript archives are checked with this first.
/// </summary>
public static class PickleFraming
{
    /// <summary>Null when the pickle is framed soundly; else what is wrong, with the byte offset.</summary>
    public static string? Problem(ReadOnlySpan<byte> pickle)
    {
        long memoEntries = 0;
        int at = 0;
        while (at < pickle.Length)
        {
            int opcodeAt = at;
            byte op = pickle[at++];
            long argument; // the argument's byte count after the opcode, or -1 for newline-terminated text
            switch (op)
            {
                case (byte)'.':
                    return null; // STOP
                case (byte)'(' or (byte)'0' or (byte)'1' or (byte)'2' or (byte)'N' or (byte)')' or (byte)']' or (byte)'}' or (byte)'a'
                    or (byte)'b' or (byte)'d' or (byte)'e' or (byte)'l' or (byte)'o' or (byte)'R' or (byte)'s' or (byte)'t' or (byte)'u'
                    or (byte)'Q' or 0x81 or 0x85 or 0x86 or 0x87 or 0x88 or 0x89 or 0x8f or 0x90 or 0x91 or 0x92 or 0x93 or 0x97 or 0x98:
                    argument = 0;
                    break;
                case 0x94: // MEMOIZE
                    memoEntries++;
                    argument = 0;
                    break;
                case 0x80 or (byte)'K' or (byte)'h' or 0x82:
                    argument = 1;
                    break;
                case (byte)'q': // BINPUT
                    if (at >= pickle.Length) return Truncated(opcodeAt);
                    if (pickle[at] > memoEntries) return MemoGap(opcodeAt, pickle[at], memoEntries);
                    memoEntries = Math.Max(memoEntries, pickle[at] + 1L);
                    argument = 1;
                    break;
                case (byte)'r': // LONG_BINPUT
                {
                    if (at + 4 > pickle.Length) return Truncated(opcodeAt);
                    uint index = BinaryPrimitives.ReadUInt32LittleEndian(pickle[at..]);
                    if (index > memoEntries) return MemoGap(opcodeAt, index, memoEntries);
                    memoEntries = Math.Max(memoEntries, index + 1L);
                    argument = 4;
                    break;
                }
                case (byte)'M' or 0x83:
                    argument = 2;
                    break;
                case (byte)'J' or (byte)'j' or 0x84:
                    argument = 4;
                    break;
                case (byte)'G' or 0x95:
                    argument = 8;
                    break;
                case (byte)'U' or (byte)'C' or 0x8c or 0x8a:
                    if (at + 1 > pickle.Length) return Truncated(opcodeAt);
                    argument = 1 + pickle[at];
                    break;
                case (byte)'T' or (byte)'B' or (byte)'X' or 0x8b:
                    if (at + 4 > pickle.Length) return Truncated(opcodeAt);
                    argument = 4 + (long)BinaryPrimitives.ReadUInt32LittleEndian(pickle[at..]);
                    break;
                case 0x8d or 0x8e or 0x96:
                {
                    if (at + 8 > pickle.Length) return Truncated(opcodeAt);
                    ulong length = BinaryPrimitives.ReadUInt64LittleEndian(pickle[at..]);
                    argument = length > (ulong)pickle.Length ? long.MaxValue : 8 + (long)length;
                    break;
                }
                case (byte)'c' or (byte)'i':
                    at = SkipLines(pickle, at, 2);
                    if (at < 0) return Truncated(opcodeAt);
                    continue;
                case (byte)'I' or (byte)'L' or (byte)'F' or (byte)'S' or (byte)'V' or (byte)'P' or (byte)'g' or (byte)'p':
                    at = SkipLines(pickle, at, 1);
                    if (at < 0) return Truncated(opcodeAt);
                    continue;
                default:
                    return $"byte 0x{op:x2} at offset {opcodeAt} is not a pickle opcode";
            }
            if (argument > pickle.Length - at)
                return $"the opcode at offset {opcodeAt} claims {argument} bytes of argument, but only {pickle.Length - at} remain";
            at += (int)argument;
        }
        return "the pickle ends without its STOP opcode";
    }

    private static int SkipLines(ReadOnlySpan<byte> pickle, int at, int lines)
    {
        for (int i = 0; i < lines; i++)
        {
            int end = pickle[at..].IndexOf((byte)'\n');
            if (end < 0) return -1;
            at += end + 1;
        }
        return at;
    }

    private static string Truncated(int opcodeAt) => $"the opcode at offset {opcodeAt} is cut off by the end of the pickle";

    private static string MemoGap(int opcodeAt, long index, long entries) =>
        $"the opcode at offset {opcodeAt} stores memo entry {index}, but only {entries} came before it (picklers number them in order)";
}
