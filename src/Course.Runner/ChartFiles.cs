using System.Net;
using Foundations.Interactive;
using XPlot.Plotly;

namespace Course.Runner;

/// <summary>
/// Writes each chart of a notebook run to its own HTML page, <c>cell-07.html</c> (then
/// <c>cell-07-2.html</c> for a second chart of the same cell). A page links the pinned plotly.js that
/// <c>.ci/setup</c> installs when there is one, and otherwise loads the same version from the CDN.
/// </summary>
public sealed class ChartFiles
{
    private readonly Dictionary<int, int> perCell = [];
    private readonly string title;

    /// <param name="directory">Where the pages go; created if missing, and earlier pages from this runner are removed.</param>
    /// <param name="title">The notebook's name, for each page's title.</param>
    /// <param name="startDirectory">Printed paths are relative to this folder when they lie below it.</param>
    public ChartFiles(string directory, string title, string startDirectory)
    {
        Directory = Path.GetFullPath(directory);
        StartDirectory = Path.GetFullPath(startDirectory);
        this.title = title;
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var stale in System.IO.Directory.GetFiles(Directory, "cell-*.html")) File.Delete(stale);
    }

    public string Directory { get; }
    public string StartDirectory { get; }
    public int Count { get; private set; }

    public string Write(PlotlyChart chart, int cell)
    {
        int index = perCell[cell] = perCell.GetValueOrDefault(cell) + 1;
        var name = $"cell-{cell:00}" + (index > 1 ? $"-{index}" : "") + ".html";
        var path = Path.Combine(Directory, name);
        var heading = WebUtility.HtmlEncode($"{title}, cell {cell}");
        File.WriteAllText(path,
            $"<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>{heading}</title>\n</head>\n<body>\n"
            + ChartHtml.Render(chart, Prelude())
            + "</body>\n</html>\n");
        Count++;
        return path;
    }

    /// <summary>A script element for the local plotly.min.js, by a path relative to the page so the folder can move with the repository.</summary>
    private string Prelude()
    {
        var local = PlotlyScript.FindLocal();
        if (local is null) return ChartHtml.CdnPrelude();
        var relative = Path.GetRelativePath(Directory, local).Replace(Path.DirectorySeparatorChar, '/');
        var source = Path.IsPathRooted(relative) ? new Uri(local).AbsoluteUri : Uri.EscapeDataString(relative).Replace("%2F", "/", StringComparison.Ordinal);
        return $"<script src=\"{WebUtility.HtmlEncode(source)}\"></script>\n";
    }
}
