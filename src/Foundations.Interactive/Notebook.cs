using Microsoft.DotNet.Interactive.Formatting;
using Course.Exercises;
using XPlot.Plotly;

namespace Foundations.Interactive;

/// <summary>
/// The notebooks' first cell calls <see cref="Setup"/>, which teaches the .NET Interactive kernel
/// to show charts, tensors and the results of exercise checks.
/// </summary>
public static class Notebook
{
    private static readonly Lock Gate = new();
    private static bool registered;
    private static bool plotlySent;

    /// <summary>
    /// Registers the HTML formatters for XPlot charts and the plain-text and HTML formatters for
    /// tensors, and for exercise results. Calling it again does nothing.
    /// </summary>
    public static void Setup()
    {
        lock (Gate)
        {
            if (registered) return;
            Formatter.Register<PlotlyChart>((chart, writer) => writer.Write(ChartHtml.Render(chart, NextPrelude())), HtmlFormatter.MimeType);
            Formatter.SetPreferredMimeTypesFor(typeof(PlotlyChart), HtmlFormatter.MimeType);

            Formatter.Register<Tensor>((tensor, writer) => writer.Write(tensor.ToString()), PlainTextFormatter.MimeType);
            Formatter.Register<Tensor>((tensor, writer) => writer.Write(TensorHtml.Render(tensor)), HtmlFormatter.MimeType);
            Formatter.SetPreferredMimeTypesFor(typeof(Tensor), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);

            Formatter.Register<ExerciseResult>((result, writer) => writer.Write(result.ToString()), PlainTextFormatter.MimeType);
            Formatter.Register<ExerciseResult>((result, writer) => writer.Write(ExerciseHtml.Render(result)), HtmlFormatter.MimeType);
            Formatter.SetPreferredMimeTypesFor(typeof(ExerciseResult), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
            registered = true;
        }
    }

    /// <summary>plotly.js (or the CDN note) for the first chart of the session, nothing afterwards.</summary>
    private static string NextPrelude()
    {
        lock (Gate)
        {
            if (plotlySent) return "";
            plotlySent = true;
        }
        var local = PlotlyScript.FindLocal();
        return local is null ? ChartHtml.CdnPrelude() : ChartHtml.InlinePrelude(File.ReadAllText(local));
    }
}
