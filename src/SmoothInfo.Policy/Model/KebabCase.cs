namespace SmoothInfo.Policy.Model;

/// <summary>The policy's spelling of enum members: <c>ImageFolder</c> is <c>image-folder</c>.</summary>
public static class KebabCase
{
    public static string Of<T>(T value) where T : struct, Enum => Of(value.ToString());

    public static string Of(string pascal)
    {
        var text = new System.Text.StringBuilder(pascal.Length + 4);
        for (int i = 0; i < pascal.Length; i++)
        {
            char c = pascal[i];
            if (char.IsUpper(c) && i > 0 && char.IsLower(pascal[i - 1])) text.Append('-');
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }

    public static T Parse<T>(string kebab) where T : struct, Enum =>
        Enum.Parse<T>(kebab.Replace("-", "", StringComparison.Ordinal), ignoreCase: true);
}
