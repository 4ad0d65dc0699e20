using System.Globalization;
using System.Text;

namespace SmoothInfo.Evidence;

/// <summary>One named series of points: joined in order (Lines) or drawn as dots.</summary>
public sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points, bool Lines = true);

/// <summary>
/// Static SVG charts for docs/evidence/ (axes with ticks, a legend, optional log axes and a y = x diagonal), written
/// only when the EVIDENCE_PLOTS environment variable names a folder; the experiments' tables stay their main output.
/// </summary>
public static class Plots
{
    private const double Width = 780, Height = 420, Left = 64, Right = 300, Top = 36, Bottom = 52;
    private static readonly string[] Colours = { "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f" };

    public static bool Enabled => Environment.GetEnvironmentVariable("EVIDENCE_PLOTS") is { Length: > 0 };

    public static void Write(string file, string title, string xLabel, string yLabel, IReadOnlyList<Series> series,
        bool logX = false, bool logY = false, bool diagonal = false)
    {
        if (!Enabled) return;
        double Tx(double v) => logX ? Math.Log10(v) : v;
        double Ty(double v) => logY ? Math.Log10(v) : v;
        var shown = series.Select(s => s with { Points = s.Points.Where(p => double.IsFinite(Tx(p.X)) && double.IsFinite(Ty(p.Y))).ToList() }).ToList();
        var xs = shown.SelectMany(s => s.Points.Select(p => Tx(p.X))).ToList();
        var ys = shown.SelectMany(s => s.Points.Select(p => Ty(p.Y))).ToList();
        var (x0, x1) = Range(xs, logX);
        var (y0, y1) = Range(ys, logY);
        if (diagonal) (x0, x1, y0, y1) = (Math.Min(x0, y0), Math.Max(x1, y1), Math.Min(x0, y0), Math.Max(x1, y1));
        double plotWidth = Width - Left - Right, plotHeight = Height - Top - Bottom;
        double Px(double v) => Left + (Tx(v) - x0) / (x1 - x0) * plotWidth;
        double Py(double v) => Top + plotHeight - (Ty(v) - y0) / (y1 - y0) * plotHeight;
        static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{F(Width)}\" height=\"{F(Height)}\" font-family=\"sans-serif\" font-size=\"12\">")
            .Append($"<rect width=\"100%\" height=\"100%\" fill=\"white\"/><text x=\"{F(Left)}\" y=\"22\" font-size=\"14\" font-weight=\"bold\">{Escape(title)}</text>")
            .Append($"<rect x=\"{F(Left)}\" y=\"{F(Top)}\" width=\"{F(plotWidth)}\" height=\"{F(plotHeight)}\" fill=\"none\" stroke=\"#444\"/>");
        foreach (double t in Ticks(x0, x1, logX))
        {
            double v = logX ? Math.Pow(10, t) : t;
            svg.Append($"<line x1=\"{F(Px(v))}\" x2=\"{F(Px(v))}\" y1=\"{F(Top)}\" y2=\"{F(Top + plotHeight)}\" stroke=\"#eee\"/>")
                .Append($"<text x=\"{F(Px(v))}\" y=\"{F(Top + plotHeight + 16)}\" text-anchor=\"middle\">{Label(v)}</text>");
        }
        foreach (double t in Ticks(y0, y1, logY))
        {
            double v = logY ? Math.Pow(10, t) : t;
            svg.Append($"<line x1=\"{F(Left)}\" x2=\"{F(Left + plotWidth)}\" y1=\"{F(Py(v))}\" y2=\"{F(Py(v))}\" stroke=\"#eee\"/>")
                .Append($"<text x=\"{F(Left - 6)}\" y=\"{F(Py(v) + 4)}\" text-anchor=\"end\">{Label(v)}</text>");
        }
        svg.Append($"<text x=\"{F(Left + plotWidth / 2)}\" y=\"{F(Height - 12)}\" text-anchor=\"middle\">{Escape(xLabel)}</text>")
            .Append($"<text transform=\"translate(16 {F(Top + plotHeight / 2)}) rotate(-90)\" text-anchor=\"middle\">{Escape(yLabel)}</text>");
        if (diagonal)
        {
            double a = logX ? Math.Pow(10, x0) : x0, b = logX ? Math.Pow(10, x1) : x1;
            svg.Append($"<line x1=\"{F(Px(a))}\" y1=\"{F(Py(a))}\" x2=\"{F(Px(b))}\" y2=\"{F(Py(b))}\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>");
        }
        for (int s = 0; s < shown.Count; s++)
        {
            string colour = Colours[s % Colours.Length];
            var points = shown[s].Points;
            if (shown[s].Lines)
                svg.Append($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.8\" points=\"{string.Join(" ", points.Select(p => $"{F(Px(p.X))},{F(Py(p.Y))}"))}\"/>");
            else
                foreach (var p in points) svg.Append($"<circle cx=\"{F(Px(p.X))}\" cy=\"{F(Py(p.Y))}\" r=\"2.6\" fill=\"{colour}\" fill-opacity=\"0.7\"/>");
            double legendY = Top + 10 + 18 * s;
            svg.Append($"<rect x=\"{F(Width - Right + 14)}\" y=\"{F(legendY - 8)}\" width=\"12\" height=\"10\" fill=\"{colour}\"/>")
                .Append($"<text x=\"{F(Width - Right + 32)}\" y=\"{F(legendY + 1)}\">{Escape(shown[s].Name)}</text>");
        }
        svg.Append("</svg>\n");
        string folder = Environment.GetEnvironmentVariable("EVIDENCE_PLOTS")!;
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, file), svg.ToString());
        Console.WriteLine($"wrote {Path.Combine(folder, file)}");
    }

    private static (double, double) Range(IReadOnlyList<double> values, bool log)
    {
        double min = values.Min(), max = values.Max();
        if (log) return (Math.Floor(min), Math.Ceiling(max) == Math.Floor(min) ? Math.Floor(min) + 1 : Math.Ceiling(max));
        if (max == min) return (min - 1, max + 1);
        double pad = 0.03 * (max - min);
        return (min - pad, max + pad);
    }

    private static IEnumerable<double> Ticks(double min, double max, bool log)
    {
        if (log)
        {
            for (double d = Math.Ceiling(min); d <= max + 1e-9; d++) yield return d;
            yield break;
        }
        double raw = (max - min) / 5, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        for (double t = Math.Ceiling(min / step) * step; t <= max + 1e-12; t += step) yield return Math.Round(t / step) * step;
    }

    private static string Label(double v) => (Math.Abs(v) < 1e-12 ? 0 : v).ToString(Math.Abs(v) >= 1e4 || (v != 0 && Math.Abs(v) < 1e-3) ? "0.#E+0" : "0.###", CultureInfo.InvariantCulture);

    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
