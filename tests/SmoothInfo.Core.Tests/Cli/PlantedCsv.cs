using System.Globalization;
using System.Text;

namespace SmoothInfo.Tests.Cli;

/// <summary>A small CSV dataset for end-to-end runs: three well separated clusters; samples 7 and 31 carry the next class's label when flipped.</summary>
internal static class PlantedCsv
{
    public static readonly int[] Flipped = { 7, 31 };

    public static void Write(string path, bool flip = true, int count = 60)
    {
        var random = new Random(5);
        string[] names = { "cat", "dog", "eel" };
        var csv = new StringBuilder("f1,f2,f3,label\n");
        for (int i = 0; i < count; i++)
        {
            int c = i % 3;
            double Noise() => random.NextDouble() - 0.5;
            int label = flip && Flipped.Contains(i) ? (c + 1) % 3 : c;
            csv.Append(CultureInfo.InvariantCulture, $"{8 * (c == 0 ? 1 : 0) + Noise():F4},{8 * (c == 1 ? 1 : 0) + Noise():F4},{8 * (c == 2 ? 1 : 0) + Noise():F4},{names[label]}\n");
        }
        File.WriteAllText(path, csv.ToString());
    }
}
