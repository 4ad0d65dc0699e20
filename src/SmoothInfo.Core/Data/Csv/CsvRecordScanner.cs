namespace SmoothInfo.Data.Csv;

/// <summary>One record (row) of a CSV file: its bytes within the current buffer and the line it starts on.</summary>
internal readonly record struct CsvRecord(int Start, int Length, int Line);

/// <summary>
/// Splits a stream of CSV bytes into records per RFC 4180: a newline inside a quoted field belongs to the
/// field, so records are found by tracking quotes, and lines are counted for diagnostics. Reads in large
/// blocks; a record cut by the end of a block is carried over to the next one.
/// </summary>
internal sealed class CsvRecordScanner
{
    private readonly Stream _stream;
    private byte[] _buffer;
    private int _filled;
    private int _nextLine = 1;
    private bool _endOfStream;
    private int _consumed;

    public CsvRecordScanner(Stream stream, int blockSize = 16 << 20)
    {
        _stream = stream;
        _buffer = new byte[blockSize];
    }

    /// <summary>The bytes the records of the last <see cref="NextBlock"/> point into.</summary>
    public ReadOnlyMemory<byte> Buffer => _buffer.AsMemory(0, _filled);

    /// <summary>
    /// Fills <paramref name="records"/> with the complete records of the next block; false at the end of the file.
    /// The records point into <see cref="Buffer"/>, valid until the next call.
    /// </summary>
    public bool NextBlock(List<CsvRecord> records)
    {
        records.Clear();
        while (true)
        {
            ShiftOut(_consumed);
            Fill();
            _consumed = Scan(records);
            if (records.Count > 0 || _endOfStream) return records.Count > 0;
            if (_consumed == 0 && _filled == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2); // one record longer than a block
        }
    }

    private int Scan(List<CsvRecord> records)
    {
        var data = _buffer.AsSpan(0, _filled);
        int start = 0, position = 0, line = _nextLine, recordLine = line;
        bool quoted = false;
        while (true)
        {
            int hit = data[position..].IndexOfAny((byte)'"', (byte)'\n');
            if (hit < 0) break;
            position += hit;
            if (data[position] == (byte)'"')
            {
                quoted = !quoted;
            }
            else
            {
                line++;
                if (!quoted)
                {
                    AddRecord(records, data, start, position, recordLine);
                    start = position + 1;
                    recordLine = line;
                }
            }
            position++;
        }
        if (_endOfStream && start < _filled)
        {
            // A quote still open here makes the rest of the file one record; CsvFieldReader reports it at its first line.
            AddRecord(records, data, start, _filled, recordLine);
            start = _filled;
        }
        _nextLine = recordLine;
        return start;
    }

    private static void AddRecord(List<CsvRecord> records, ReadOnlySpan<byte> data, int start, int end, int line)
    {
        if (end > start && data[end - 1] == (byte)'\r') end--;
        if (!data[start..end].Trim((byte)' ').IsEmpty) records.Add(new CsvRecord(start, end - start, line)); // blank lines carry no sample
    }

    private void ShiftOut(int consumed)
    {
        if (consumed == 0) return;
        _buffer.AsSpan(consumed, _filled - consumed).CopyTo(_buffer);
        _filled -= consumed;
    }

    private void Fill()
    {
        while (!_endOfStream && _filled < _buffer.Length)
        {
            int read = _stream.Read(_buffer, _filled, _buffer.Length - _filled);
            if (read == 0) _endOfStream = true;
            _filled += read;
        }
    }
}
