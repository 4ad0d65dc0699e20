using System.Text;
using SmoothInfo.Diagnostics;
using SmoothInfo.Policy.Loading;

namespace SmoothInfo.Data.Csv;

/// <summary>The column names of a CSV file and the look-up of columns the policy names.</summary>
internal sealed class CsvHeader
{
    private readonly string _file;

    public CsvHeader(string file, IReadOnlyList<string> names, int line)
    {
        _file = file;
        Names = names;
        Line = line;
    }

    public IReadOnlyList<string> Names { get; }
    public int Line { get; }

    public static CsvHeader Parse(string file, ReadOnlySpan<byte> record, int line, byte delimiter)
    {
        if (record.StartsWith("\uFEFF"u8)) record = record[3..];
        var names = new List<string>();
        var fields = new CsvFieldReader(record, delimiter);
        while (fields.TryNext(out var field)) names.Add(Encoding.UTF8.GetString(field).Trim());
        if (fields.Error is { } error)
            throw new InputException(ErrorCodes.CsvMalformedRow, $"the header row is malformed: {error}.",
                "fix the quoting of the header row.", new SourceLocation(file, line, fields.Offset + 1));
        return new CsvHeader(file, names, line);
    }

    /// <summary>The index of a column the policy names under <paramref name="policyKey"/>.</summary>
    public int IndexOf(string name, string policyKey)
    {
        for (int i = 0; i < Names.Count; i++)
            if (Names[i] == name) return i;
        string? suggestion = DidYouMean.Suggest(name, Names);
        throw new InputException(ErrorCodes.CsvUnknownColumn,
            $"the column '{name}' named by '{policyKey}' is not in the header." + (suggestion is null ? "" : $" Did you mean '{suggestion}'?") +
            $" The columns are: {Preview()}.",
            $"set '{policyKey}' to one of the header's column names.", new SourceLocation(_file, Line, 1));
    }

    /// <summary>Feature columns: names and inclusive ranges 'first..last'; empty means every column not otherwise used.</summary>
    public int[] FeatureIndices(IReadOnlyList<string> selection, ISet<int> otherColumns)
    {
        if (selection.Count == 0) return Enumerable.Range(0, Names.Count).Where(i => !otherColumns.Contains(i)).ToArray();
        var indices = new List<int>();
        foreach (string item in selection)
        {
            int range = item.IndexOf("..", StringComparison.Ordinal);
            if (range < 0)
            {
                indices.Add(IndexOf(item, "dataset.featureColumns"));
                continue;
            }
            int first = IndexOf(item[..range], "dataset.featureColumns"), last = IndexOf(item[(range + 2)..], "dataset.featureColumns");
            if (last < first)
                throw new InputException(ErrorCodes.CsvUnknownColumn, $"the range '{item}' runs backwards: '{Names[last]}' comes before '{Names[first]}' in the header.",
                    "write the range as 'first..last' in header order.", new SourceLocation(_file, Line, 1));
            indices.AddRange(Enumerable.Range(first, last - first + 1));
        }
        return indices.Distinct().Where(i => !otherColumns.Contains(i)).ToArray();
    }

    private string Preview() => Names.Count <= 12 ? string.Join(", ", Names) : string.Join(", ", Names.Take(10)) + $", ... ({Names.Count} in all)";
}
