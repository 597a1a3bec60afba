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
    /// <summary>The output of the notebook being run, for the display extension methods, which have no object to hold it.</summary>
    public static CellOutput Current
    {
        get => current ?? throw new InvalidOperationException("Display() works only while the runner runs a notebook");
        set => current = value;
    }

    private static CellOutput? current;

    /// <summary>Set by the runner before each cell, to name chart files after it.</summary>
    public int Cell { get; set; }

    /// <summary>Shows a value now and returns the handle whose Update shows the next one; a terminal
    /// cannot replace an earlier line reliably, so an update prints a new one.</summary>
    public DisplayedValue Display(object? value, IReadOnlyList<string> mimeTypes)
    {
        Show(value, mimeTypes);
        return new DisplayedValue(this, mimeTypes);
    }

    /// <summary>Shows a value; a string said to be HTML is shown as the text a reader would see.</summary>
    public void Show(object? value, IReadOnlyList<string>? mimeTypes = null)
    {
        switch (value)
        {
            case string html when mimeTypes is not null && mimeTypes.Contains(HtmlFormatter.MimeType, StringComparer.OrdinalIgnoreCase):
                writer.WriteLine(HtmlText.ToPlainText(html));
                break;
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
