using System.Text;

namespace SmoothInfo.Build.Policies;

/// <summary>
/// MSBuild's %XX escaping. A task that returns a list of paths in one metadata value (joined by ';')
/// must escape each path, or a ';', '%' or '$' in a file name would split or expand it.
/// </summary>
internal static class MSBuildEscaping
{
    private const string SpecialCharacters = "%*?@$();'";

    public static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            if (SpecialCharacters.Contains(c)) escaped.Append('%').Append(((int)c).ToString("X2"));
            else escaped.Append(c);
        }
        return escaped.ToString();
    }

    public static string JoinEscaped(IEnumerable<string> values) => string.Join(";", values.Select(Escape));
}
