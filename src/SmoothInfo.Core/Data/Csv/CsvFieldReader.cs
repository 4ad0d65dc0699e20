namespace SmoothInfo.Data.Csv;

/// <summary>
/// The fields of one record, per RFC 4180: a field in double quotes may hold the delimiter, newlines and
/// doubled quotes (""). Unquoted fields are returned as slices of the record; only quoted ones are copied.
/// </summary>
internal ref struct CsvFieldReader
{
    private readonly ReadOnlySpan<byte> _record;
    private readonly byte _delimiter;
    private int _position;
    private bool _done;

    public CsvFieldReader(ReadOnlySpan<byte> record, byte delimiter)
    {
        _record = record;
        _delimiter = delimiter;
    }

    /// <summary>What is wrong with the quoting, once <see cref="TryNext"/> has returned false early; null at the normal end.</summary>
    public string? Error { get; private set; }

    /// <summary>Byte offset (0-based) of the current field in the record, for a column number in messages.</summary>
    public int Offset { get; private set; }

    public bool TryNext(out ReadOnlySpan<byte> field)
    {
        field = default;
        if (_done) return false;
        Offset = _position;
        var rest = _record[_position..];
        if (rest.IsEmpty || rest[0] != (byte)'"')
        {
            int end = rest.IndexOf(_delimiter);
            field = end < 0 ? rest : rest[..end];
            if (field.IndexOf((byte)'"') >= 0)
                return Fail("a double quote appears inside an unquoted field; a field containing quotes must be quoted as a whole, with inner quotes doubled (\"\")");
            Advance(end, rest.Length);
            return true;
        }
        return TryQuoted(rest, out field);
    }

    private bool TryQuoted(ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> field)
    {
        field = default;
        int close = rest[1..].IndexOf((byte)'"') + 1;
        if (close == 0) return Fail("a quoted field is never closed; a closing double quote is expected");
        int end = close + 1;
        if (end < rest.Length && rest[end] == (byte)'"')
        {
            if (!TryUnescape(rest, out field, out end)) return false;
        }
        else
        {
            field = rest[1..close]; // no doubled quotes inside: a slice, no copy
        }
        if (end < rest.Length && rest[end] != _delimiter)
            return Fail("text follows the closing quote of a field; the delimiter or the end of the line is expected after it");
        Advance(end < rest.Length ? end : -1, rest.Length);
        return true;
    }

    /// <summary>A quoted field with doubled quotes ("") inside: copied with each pair made one quote.</summary>
    private bool TryUnescape(ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> field, out int end)
    {
        field = default;
        var text = new List<byte>();
        int i = 1;
        while (true)
        {
            int quote = rest[i..].IndexOf((byte)'"');
            if (quote < 0)
            {
                end = rest.Length;
                return Fail("a quoted field is never closed; a closing double quote is expected");
            }
            foreach (byte b in rest.Slice(i, quote)) text.Add(b);
            i += quote + 1;
            if (i < rest.Length && rest[i] == (byte)'"')
            {
                text.Add((byte)'"');
                i++;
                continue;
            }
            break;
        }
        field = text.ToArray();
        end = i;
        return true;
    }

    private void Advance(int delimiterAt, int restLength)
    {
        if (delimiterAt < 0)
        {
            _position += restLength;
            _done = true;
        }
        else
        {
            _position += delimiterAt + 1;
        }
    }

    private bool Fail(string error)
    {
        Error = error;
        _done = true;
        return false;
    }
}
