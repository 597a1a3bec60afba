using Foundations;
using Microsoft.DotNet.Interactive.Formatting;
using XPlot.Plotly;

namespace Course.Runner;

/// <summary>
/// Shows a cell's values in the terminal as the kernel's plain text would: a tensor as its
/// <c>ToString()</c>, anything else through the kernel's own plain-text formatter. A chart cannot be
/// drawn in a terminal, so it goes to an HTML file whose path is printed.
/// </summary>
public sealed class CellOutput(TextWriter writer, ChartFiles charts)
{
    /// <summary>Set by the runner before each cell, to name chart files after it.</summary>
    public int Cell { get; set; }

    public void Show(object? value)
    {
        switch (value)
        {
            case PlotlyChart chart:
                var path = charts.Write(chart, Cell);
                writer.WriteLine($"[chart written to {Shown(path)}]");
                break;
            case Tensor tensor:
                writer.WriteLine(tensor.ToString());
                break;
            case null:
                writer.WriteLine("<null>");
                break;
            default:
                writer.WriteLine(value.ToDisplayString(PlainTextFormatter.MimeType));
                break;
        }
    }

    /// <summary>A path relative to where the runner was started when it lies below it, so it is short and can be pasted.</summary>
    private string Shown(string path)
    {
        var relative = Path.GetRelativePath(charts.StartDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }
}
