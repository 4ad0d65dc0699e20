using System.Globalization;
using System.Net;
using System.Text;
using SmoothInfo.Rules;

namespace SmoothInfo.Reports.Html;

/// <summary>Small inline SVG charts: no scripts, no external assets, so the report opens anywhere and prints.</summary>
internal static class SvgCharts
{
    private const int Width = 720, Left = 48, Right = 16, Top = 16, Bottom = 40;

    /// <summary>A histogram of positive values on a log10 axis, with a labelled vertical line per threshold.</summary>
    /// <param name="quantity">What the values are, for the title ("the per-sample score").</param>
    /// <param name="unit">Their unit, for the axis and tooltips ("nats"), or "" for none.</param>
    public static string Histogram(IReadOnlyList<double> scores, IReadOnlyList<(string Label, double Value, string Colour)> lines,
        string quantity = "the per-sample score", string unit = "nats", int bins = 48)
    {
        const int height = 240;
        string suffix = unit.Length == 0 ? "" : " " + unit;
        var logs = scores.Where(s => s > 0).Select(Math.Log10).ToList();
        var svg = Open(height, $"Histogram of {quantity} (log scale) with the thresholds of the rules");
        if (logs.Count == 0) return svg.Append(Text(Width / 2, height / 2, "no positive scores", "middle")).Append("</svg>").ToString();
        double low = Math.Floor(Math.Min(logs.Min(), lines.Where(l => l.Value > 0).Select(l => Math.Log10(l.Value)).DefaultIfEmpty(logs.Min()).Min()));
        double high = Math.Ceiling(Math.Max(logs.Max(), lines.Where(l => l.Value > 0).Select(l => Math.Log10(l.Value)).DefaultIfEmpty(logs.Max()).Max()));
        if (high <= low) high = low + 1;
        var counts = new int[bins];
        foreach (var v in logs) counts[Math.Min(bins - 1, (int)((v - low) / (high - low) * bins))]++;
        int plotWidth = Width - Left - Right, plotHeight = height - Top - Bottom, tallest = Math.Max(1, counts.Max());
        double X(double log) => Left + (log - low) / (high - low) * plotWidth;
        for (int b = 0; b < bins; b++)
        {
            if (counts[b] == 0) continue;
            double h = (double)counts[b] / tallest * plotHeight;
            svg.Append(Rect(Left + (double)b / bins * plotWidth, Top + plotHeight - h, (double)plotWidth / bins - 1, h, "#4c78a8",
                $"{counts[b]} samples between {Number(Math.Pow(10, low + b * (high - low) / bins))} and {Number(Math.Pow(10, low + (b + 1) * (high - low) / bins))}{suffix}"));
        }
        for (double tick = low; tick <= high; tick++)
        {
            svg.Append(Line(X(tick), Top + plotHeight, X(tick), Top + plotHeight + 4, "#555"));
            // The last label ends at its tick so that long numbers stay inside the chart.
            svg.Append(Text(X(tick), Top + plotHeight + 18, Number(Math.Pow(10, tick)), tick + 1 > high ? "end" : "middle"));
        }
        svg.Append(Line(Left, Top + plotHeight, Width - Right, Top + plotHeight, "#555"));
        svg.Append(Text(Left + plotWidth / 2, height - 6, unit.Length == 0 ? "log scale" : $"{unit}, log scale", "middle"));
        svg.Append(Text(Left - 6, Top + 10, tallest.ToString(CultureInfo.InvariantCulture), "end"));
        int row = 0;
        // Rules that share a threshold share one line and one label, so their labels never overlap.
        var merged = lines.Where(l => l.Value > 0).GroupBy(l => l.Value)
            .Select(g => (Label: string.Join(", ", g.Select(l => l.Label)), Value: g.Key, Colour: g.Count() == 1 ? g.First().Colour : "#555"));
        foreach (var (label, value, colour) in merged.OrderBy(l => l.Value))
        {
            double x = X(Math.Log10(value));
            svg.Append(Line(x, Top, x, Top + plotHeight, colour, dashed: true));
            // A label right of a line in the last third of the plot would run off the chart: put it on the left.
            bool leftOfLine = x > Left + plotWidth * 2.0 / 3;
            svg.Append(Text(leftOfLine ? x - 4 : x + 4, Top + 12 + 14 * row++, $"{label} > {Number(value)}", leftOfLine ? "end" : "start", colour));
        }
        return svg.Append("</svg>").ToString();
    }

    /// <summary>
    /// A curve of positive x on a log10 axis (the weight-decay grid) against y on a linear axis (the leave-one-out error),
    /// with the chosen x marked by a labelled vertical line. Points that are not finite are left out.
    /// </summary>
    public static string Curve(string title, IReadOnlyList<double> xs, IReadOnlyList<double> ys, double chosen, string xLabel, string yLabel)
    {
        const int height = 240;
        var points = xs.Zip(ys).Where(p => p.First > 0 && double.IsFinite(p.First) && double.IsFinite(p.Second)).ToList();
        var svg = Open(height, title);
        if (points.Count < 2) return svg.Append(Text(Width / 2, height / 2, "too few points to draw", "middle")).Append("</svg>").ToString();
        double low = Math.Log10(points.Min(p => p.First)), high = Math.Log10(points.Max(p => p.First));
        double bottom = points.Min(p => p.Second), top = points.Max(p => p.Second);
        if (high <= low) high = low + 1;
        if (top <= bottom) top = bottom + 1;
        int plotWidth = Width - Left - Right, plotHeight = height - Top - Bottom;
        double X(double x) => Left + (Math.Log10(x) - low) / (high - low) * plotWidth;
        double Y(double y) => Top + (top - y) / (top - bottom) * plotHeight;
        var path = string.Join(" ", points.Select((p, i) => string.Create(CultureInfo.InvariantCulture, $"{(i == 0 ? "M" : "L")}{X(p.First):F1},{Y(p.Second):F1}")));
        svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{path}\" fill=\"none\" stroke=\"#4c78a8\" stroke-width=\"2\"/>");
        foreach (var (x, y) in points)
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(x):F1}\" cy=\"{Y(y):F1}\" r=\"2.5\" fill=\"#4c78a8\"><title>{WebUtility.HtmlEncode($"{xLabel} {Number(x)}: {yLabel} {Number(y)}")}</title></circle>");
        for (double tick = Math.Ceiling(low); tick <= high; tick++)
        {
            svg.Append(Line(X(Math.Pow(10, tick)), Top + plotHeight, X(Math.Pow(10, tick)), Top + plotHeight + 4, "#555"));
            svg.Append(Text(X(Math.Pow(10, tick)), Top + plotHeight + 18, Number(Math.Pow(10, tick)), tick + 1 > high ? "end" : "middle"));
        }
        svg.Append(Line(Left, Top + plotHeight, Width - Right, Top + plotHeight, "#555"));
        svg.Append(Text(Left + plotWidth / 2, height - 6, $"{xLabel}, log scale", "middle"));
        svg.Append(Text(Left - 6, Top + 10, Number(top), "end")).Append(Text(Left - 6, Top + plotHeight, Number(bottom), "end"));
        double chosenX = X(chosen);
        svg.Append(Line(chosenX, Top, chosenX, Top + plotHeight, "#e45756", dashed: true));
        bool leftOfLine = chosenX > Left + plotWidth * 2.0 / 3;
        svg.Append(Text(leftOfLine ? chosenX - 4 : chosenX + 4, Top + 12, $"chosen {Number(chosen)}", leftOfLine ? "end" : "start", "#e45756"));
        return svg.Append("</svg>").ToString();
    }

    /// <summary>Horizontal bars, one per group, with a note at the end of each bar.</summary>
    public static string Bars(string title, IReadOnlyList<(string Label, double Value, string Note, bool Highlight)> bars)
    {
        const int rowHeight = 22, labelWidth = 160;
        int height = Top + Bottom / 2 + rowHeight * Math.Max(1, bars.Count);
        var svg = Open(height, title);
        double largest = bars.Select(b => b.Value).DefaultIfEmpty(1).Max();
        if (largest <= 0) largest = 1;
        int plotWidth = Width - labelWidth - Right - 260; // room for the note after the longest bar
        for (int i = 0; i < bars.Count; i++)
        {
            var (label, value, note, highlight) = bars[i];
            double y = Top + i * rowHeight, w = Math.Max(1, value / largest * plotWidth);
            svg.Append(Text(labelWidth - 6, y + 15, label, "end"));
            svg.Append(Rect(labelWidth, y + 3, w, rowHeight - 6, highlight ? "#e45756" : "#4c78a8", $"{label}: {note}"));
            svg.Append(Text(labelWidth + w + 6, y + 15, note, "start"));
        }
        return svg.Append("</svg>").ToString();
    }

    private static StringBuilder Open(int height, string title) => new StringBuilder()
        .Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {height}\" width=\"{Width}\" height=\"{height}\" role=\"img\">")
        .Append("<title>").Append(WebUtility.HtmlEncode(title)).Append("</title>");

    private static string Rect(double x, double y, double w, double h, string fill, string tip) => string.Create(CultureInfo.InvariantCulture,
        $"<rect x=\"{x:F1}\" y=\"{y:F1}\" width=\"{w:F1}\" height=\"{h:F1}\" fill=\"{fill}\"><title>{WebUtility.HtmlEncode(tip)}</title></rect>");

    private static string Line(double x1, double y1, double x2, double y2, string stroke, bool dashed = false) => string.Create(CultureInfo.InvariantCulture,
        $"<line x1=\"{x1:F1}\" y1=\"{y1:F1}\" x2=\"{x2:F1}\" y2=\"{y2:F1}\" stroke=\"{stroke}\" stroke-width=\"{(dashed ? 2 : 1)}\"{(dashed ? " stroke-dasharray=\"5 3\"" : "")}/>");

    private static string Text(double x, double y, string text, string anchor, string fill = "#222") => string.Create(CultureInfo.InvariantCulture,
        $"<text x=\"{x:F1}\" y=\"{y:F1}\" text-anchor=\"{anchor}\" fill=\"{fill}\" font-size=\"12\">{WebUtility.HtmlEncode(text)}</text>");

    private static string Number(double value) => NumberText.Format(value);
}
