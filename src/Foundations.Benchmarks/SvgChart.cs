using System.Globalization;
using System.Net;
using System.Text;

namespace Foundations.Benchmarks;

/// <summary>
/// A line chart as a standalone SVG file, for the README (GitHub shows SVG images but not scripts):
/// lines of (x, y) points on a log₂ x axis and a linear y axis from 0, plus labelled horizontal
/// levels such as a measured peak. Just enough for <see cref="Scale"/>; no dependencies.
/// </summary>
public sealed class SvgChart(string title, string xTitle, string yTitle)
{
    private const int Width = 900, Height = 520;
    private const int Left = 70, Right = 280, Top = 50, Bottom = 60;   // margins; the legend sits on the right

    private readonly List<(string Name, string Colour, bool Dashed, List<(double X, double Y)> Points)> lines = [];
    private readonly List<(string Name, double Y)> levels = [];

    public void Line(string name, string colour, bool dashed, List<(double X, double Y)> points) =>
        lines.Add((name, colour, dashed, points));

    public void Level(string name, double y) => levels.Add((name, y));

    /// <summary>The SVG text, with a tick and a grid line at each of <paramref name="xTicks"/>.</summary>
    public string Render(double[] xTicks)
    {
        double xMin = Math.Log2(xTicks.Min()), xMax = Math.Log2(xTicks.Max());
        double yMax = NiceCeiling(1.08 * lines.SelectMany(l => l.Points.Select(p => p.Y)).Concat(levels.Select(l => l.Y)).DefaultIfEmpty(1).Max());
        double plotWidth = Width - Left - Right, plotHeight = Height - Top - Bottom;
        double X(double x) => Left + (Math.Log2(x) - xMin) / Math.Max(xMax - xMin, 1e-9) * plotWidth;
        double Y(double y) => Top + plotHeight - y / yMax * plotHeight;
        static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        static string E(string s) => WebUtility.HtmlEncode(s);

        var svg = new StringBuilder();
        svg.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.AppendLine($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>");
        svg.AppendLine($"<text x=\"{Width / 2}\" y=\"24\" text-anchor=\"middle\" font-size=\"14\">{E(title)}</text>");

        double step = NiceStep(yMax / 6);
        for (double y = 0; y <= yMax + 1e-9; y += step)
        {
            svg.AppendLine($"<line x1=\"{Left}\" y1=\"{F(Y(y))}\" x2=\"{F(Left + plotWidth)}\" y2=\"{F(Y(y))}\" stroke=\"#e0e0e0\"/>");
            svg.AppendLine($"<text x=\"{Left - 6}\" y=\"{F(Y(y) + 4)}\" text-anchor=\"end\">{F(y)}</text>");
        }
        foreach (double x in xTicks)
        {
            svg.AppendLine($"<line x1=\"{F(X(x))}\" y1=\"{Top}\" x2=\"{F(X(x))}\" y2=\"{F(Top + plotHeight)}\" stroke=\"#e0e0e0\"/>");
            svg.AppendLine($"<text x=\"{F(X(x))}\" y=\"{F(Top + plotHeight + 18)}\" text-anchor=\"middle\">{F(x)}</text>");
        }
        svg.AppendLine($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{F(plotWidth)}\" height=\"{F(plotHeight)}\" fill=\"none\" stroke=\"#888\"/>");
        svg.AppendLine($"<text x=\"{F(Left + plotWidth / 2)}\" y=\"{Height - 16}\" text-anchor=\"middle\">{E(xTitle)}</text>");
        svg.AppendLine($"<text transform=\"translate(18 {F(Top + plotHeight / 2)}) rotate(-90)\" text-anchor=\"middle\">{E(yTitle)}</text>");

        string[] levelDashes = ["8 4", "2 3", "8 3 2 3"];
        var legend = new List<(string Name, string Colour, string? Dash)>();
        for (int i = 0; i < levels.Count; i++)
        {
            var (name, y) = levels[i];
            string dash = levelDashes[i % levelDashes.Length];
            svg.AppendLine($"<line x1=\"{Left}\" y1=\"{F(Y(y))}\" x2=\"{F(Left + plotWidth)}\" y2=\"{F(Y(y))}\" stroke=\"#444\" stroke-dasharray=\"{dash}\"/>");
            svg.AppendLine($"<text x=\"{F(Left + 4)}\" y=\"{F(Y(y) - 4)}\" fill=\"#444\">{E($"{name}: {y:F0} GFLOPS")}</text>");
        }
        foreach (var (name, colour, dashed, points) in lines)
        {
            if (points.Count == 0) continue;
            string dash = dashed ? " stroke-dasharray=\"6 4\"" : "";
            string path = string.Join(" ", points.Select((p, i) => $"{(i == 0 ? 'M' : 'L')}{F(X(p.X))},{F(Y(p.Y))}"));
            svg.AppendLine($"<path d=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/>");
            foreach (var (x, y) in points)
                svg.AppendLine($"<circle cx=\"{F(X(x))}\" cy=\"{F(Y(y))}\" r=\"3\" fill=\"{colour}\"><title>{E($"{name}, n = {x}: {y:F1} GFLOPS")}</title></circle>");
            legend.Add((name, colour, dashed ? "6 4" : null));
        }

        double legendX = Left + plotWidth + 16, legendY = Top + 10;
        foreach (var (name, colour, dash) in legend)
        {
            string dashAttribute = dash is null ? "" : $" stroke-dasharray=\"{dash}\"";
            svg.AppendLine($"<line x1=\"{F(legendX)}\" y1=\"{F(legendY)}\" x2=\"{F(legendX + 28)}\" y2=\"{F(legendY)}\" stroke=\"{colour}\" stroke-width=\"2\"{dashAttribute}/>");
            svg.AppendLine($"<circle cx=\"{F(legendX + 14)}\" cy=\"{F(legendY)}\" r=\"3\" fill=\"{colour}\"/>");
            svg.AppendLine($"<text x=\"{F(legendX + 34)}\" y=\"{F(legendY + 4)}\">{E(name)}</text>");
            legendY += 22;
        }
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    /// <summary>The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least <paramref name="value"/>.</summary>
    private static double NiceStep(double value)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(value, 1e-9))));
        return new[] { 1, 2, 2.5, 5, 10 }.Select(f => f * power).First(s => s >= value);
    }

    private static double NiceCeiling(double value)
    {
        double step = NiceStep(value / 6);
        return Math.Ceiling(value / step) * step;
    }
}
