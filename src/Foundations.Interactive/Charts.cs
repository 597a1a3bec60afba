using System.Globalization;
using XPlot.Plotly;

namespace Foundations.Interactive;

/// <summary>
/// The course's charts, as XPlot <see cref="PlotlyChart"/>s that <see cref="Notebook.Setup"/> teaches
/// the kernel to draw. Inf, NaN, and on a log axis values ≤ 0, are drawn as gaps and the chart says so.
/// </summary>
public static class Charts
{
    /// <summary>plotly's default colours, fixed here so a series keeps its colour in both panels.</summary>
    private static readonly string[] Palette =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    private const int Width = 900, Height = 450;

    /// <summary>One line per series, e.g. <c>Charts.Lines("loss", "step", "mse", [("train", steps, losses)])</c>.</summary>
    public static PlotlyChart Lines(string title, string xTitle, string yTitle,
        IEnumerable<(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)> series, bool logY = false)
    {
        ArgumentNullException.ThrowIfNull(series);
        var values = new PlotValues();
        var traces = new List<Trace>();
        int index = 0;
        foreach (var (name, x, y) in series)
        {
            if (x is null || y is null)
                throw new ArgumentNullException(nameof(series), $"Charts.Lines: series '{name}' has null {(x is null ? "x" : "y")} values.");
            if (x.Count != y.Count)
                throw new ArgumentException($"Charts.Lines: series '{name}' has {x.Count} x values and {y.Count} y values.");
            traces.Add(Line(name, x.Select(v => values.Convert(v, false)).ToArray(), values.Convert(y, logY), index++));
        }
        var layout = Layout(title, values);
        layout.xaxis = new Xaxis { title = xTitle };
        layout.yaxis = Axis(yTitle, logY);
        if (logY) DecadeTicks(layout.yaxis, series.SelectMany(s => s.Y));
        return Finish(traces, layout, Height);
    }

    /// <summary>A single line; see the overload taking several series.</summary>
    public static PlotlyChart Lines(string title, string xTitle, string yTitle, string name,
        IReadOnlyList<double> x, IReadOnlyList<double> y, bool logY = false) =>
        Lines(title, xTitle, yTitle, [(name, x, y)], logY);

    /// <summary>
    /// Each layer's output mean (left) and std (right) against the layer index, as one line;
    /// hovering a point shows the layer's name. Where the stats span several steps, the last step is drawn.
    /// On a log scale the left panel shows |mean|.
    /// </summary>
    public static PlotlyChart LayerStats(IEnumerable<LayerStat> stats, string title, bool logY = false)
    {
        Require.NotNull(stats, "Charts.LayerStats");
        var list = stats.ToList();
        if (list.IndexOf(null!) is var at and >= 0)
            throw new ArgumentNullException(nameof(stats), $"Charts.LayerStats: stat {at} is null.");
        return LayerStats(title, logY, [("activations", list)]);
    }

    /// <summary>
    /// Several schemes (e.g. initialisations) on one chart: mean (left) and std (right) per layer,
    /// one line per scheme across all its layers.
    /// </summary>
    public static PlotlyChart LayerStats(string title, bool logY, params (string Scheme, IReadOnlyList<LayerStat> Stats)[] schemes) =>
        LayerStats(title, logY, [], schemes);

    /// <summary>
    /// As the overload without <paramref name="references"/>, plus one dashed horizontal line per
    /// reference value (e.g. what theory predicts for a scheme), in the mean panel, the std panel or both,
    /// across the layers the schemes cover. A reference cannot sit at or below zero on a log axis.
    /// </summary>
    public static PlotlyChart LayerStats(string title, bool logY, IEnumerable<LayerReference> references,
        params (string Scheme, IReadOnlyList<LayerStat> Stats)[] schemes)
    {
        Require.NotNull(references, "Charts.LayerStats");
        Require.NotNull(schemes, "Charts.LayerStats");
        foreach (var (scheme, stats) in schemes)
            if (stats is null || stats.Contains(null!))
                throw new ArgumentNullException(nameof(schemes), $"Charts.LayerStats: scheme '{scheme}' has {(stats is null ? "null stats" : "a null stat")}.");
        var lines = new List<PanelLine>();
        foreach (var (scheme, stats) in schemes)
        {
            var points = LastStep(stats);
            if (points.Count == 0) continue;
            var x = points.Select(p => (double)p.Layer).ToArray();
            var labels = points.Select(p => p.Name).ToArray();
            lines.Add(new PanelLine(scheme, x, points.Select(p => p.Mean).ToArray(), x, points.Select(p => p.Std).ToArray(), labels));
        }
        var referenceList = references.ToList();
        foreach (var reference in referenceList)
        {
            if (reference.Mean is null && reference.Std is null)
                throw new ArgumentException($"Charts.LayerStats: reference '{reference.Label}' has neither a mean nor a std.", nameof(references));
            if (logY && (reference.Mean is <= 0 || reference.Std is <= 0))
                throw new ArgumentException($"Charts.LayerStats: reference '{reference.Label}' is at or below zero, which a log axis cannot show.", nameof(references));
        }
        return TwoPanels(title, "layer", logY ? "|mean|" : "mean", "std", lines, logY, absLeft: logY, integerX: true, referenceList);
    }

    /// <summary>
    /// The forward and the backward pass side by side: for each scheme, the std of the activations
    /// at each layer (left) and the std of the gradient of the loss with respect to them (right).
    /// </summary>
    public static PlotlyChart ActivationsAndGradients(string title, bool logY,
        params (string Scheme, IReadOnlyList<LayerStat> Activations, IReadOnlyList<LayerStat> Gradients)[] schemes)
    {
        Require.NotNull(schemes, "Charts.ActivationsAndGradients");
        var lines = new List<PanelLine>();
        foreach (var (scheme, activations, gradients) in schemes)
        {
            if (activations is null || gradients is null || activations.Contains(null!) || gradients.Contains(null!))
                throw new ArgumentNullException(nameof(schemes), $"Charts.ActivationsAndGradients: scheme '{scheme}' has null stats or a null stat.");
            var forward = LastStep(activations);
            var backward = LastStep(gradients);
            lines.Add(new PanelLine(scheme,
                forward.Select(p => (double)p.Layer).ToArray(), forward.Select(p => p.Std).ToArray(),
                backward.Select(p => (double)p.Layer).ToArray(), backward.Select(p => p.Std).ToArray(), null));
        }
        return TwoPanels(title, "layer", "std of the activations", "std of the gradient", lines, logY, absLeft: false, integerX: true, []);
    }

    private static List<LayerStat> LastStep(IReadOnlyList<LayerStat> stats)
    {
        if (stats.Count == 0) return [];
        int lastStep = stats.Max(s => s.Step);
        return stats.Where(s => s.Step == lastStep).OrderBy(s => s.Layer).ToList();
    }

    /// <summary>Each layer's output mean (left) and std (right) across training steps, one line per layer.</summary>
    public static PlotlyChart OverSteps(IEnumerable<LayerStat> stats, string title, bool logY = false)
    {
        Require.NotNull(stats, "Charts.OverSteps");
        stats = stats.ToList();
        if (stats.Contains(null!)) throw new ArgumentNullException(nameof(stats), "Charts.OverSteps: a stat is null.");
        var lines = stats.GroupBy(s => (s.Layer, s.Name))
            .OrderBy(g => g.Key.Layer).ThenBy(g => g.Key.Name, StringComparer.Ordinal)
            .Select(g =>
            {
                var points = g.OrderBy(s => s.Step).ToList();
                string name = string.IsNullOrEmpty(g.Key.Name) ? $"layer {g.Key.Layer}" : $"{g.Key.Layer}: {g.Key.Name}";
                var x = points.Select(p => (double)p.Step).ToArray();
                return new PanelLine(name, x, points.Select(p => p.Mean).ToArray(), x, points.Select(p => p.Std).ToArray(), null);
            })
            .ToList();
        return TwoPanels(title, "step", logY ? "|mean|" : "mean", "std", lines, logY, absLeft: logY, integerX: false, []);
    }

    /// <summary>One bar per label, e.g. matmul times (log scale) or GFLOPS; hovering shows the value.</summary>
    public static PlotlyChart Bars(string title, string yTitle, IEnumerable<(string Label, double Value)> bars, bool logY = false)
    {
        ArgumentNullException.ThrowIfNull(bars);
        var list = bars.ToList();
        var values = new PlotValues();
        var y = values.Convert(list.Select(b => b.Value), logY);
        var trace = new Bar
        {
            x = list.Select(b => b.Label).ToArray(),
            y = y,
            text = y.Select(v => v?.ToString("g3", CultureInfo.InvariantCulture) ?? "").ToArray(),
            marker = new Marker { color = Palette[0] },
        };
        var layout = Layout(title, values);
        layout.yaxis = Axis(yTitle, logY);
        layout.showlegend = false;
        return Finish([trace], layout, Height);
    }

    /// <summary>One series drawn in both panels: <c>Left</c> against <c>LeftX</c>, <c>Right</c> against <c>RightX</c>.</summary>
    private sealed record PanelLine(string Name, double[] LeftX, double[] Left, double[] RightX, double[] Right, string[]? Labels);

    private static readonly string[] ReferenceDashes = ["dash", "dot", "dashdot", "longdash"];

    private static PlotlyChart TwoPanels(string title, string xTitle, string leftTitle, string rightTitle,
        List<PanelLine> lines, bool logY, bool absLeft, bool integerX, List<LayerReference> references)
    {
        var values = new PlotValues();
        var traces = new List<Trace>();
        for (int i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var leftTrace = Line(line.Name, line.LeftX.Select(v => (double?)v).ToArray(),
                values.Convert(absLeft ? line.Left.Select(Math.Abs) : line.Left, logY), i);
            var rightTrace = Line(line.Name, line.RightX.Select(v => (double?)v).ToArray(), values.Convert(line.Right, logY), i);
            rightTrace.xaxis = "x2";
            rightTrace.yaxis = "y2";
            rightTrace.showlegend = false;
            if (line.Labels is not null)
            {
                leftTrace.text = line.Labels;
                rightTrace.text = line.Labels;
            }
            traces.Add(leftTrace);
            traces.Add(rightTrace);
        }
        var allX = lines.SelectMany(l => l.LeftX.Concat(l.RightX)).ToList();
        double minX = allX.Count == 0 ? 0 : allX.Min(), maxX = allX.Count == 0 ? 0 : allX.Max();
        for (int r = 0; r < references.Count; r++)
        {
            var reference = references[r];
            bool legendShown = false;
            foreach (var (value, left) in new[] { (reference.Mean, true), (reference.Std, false) })
            {
                if (value is not double y) continue;
                double drawn = absLeft && left ? Math.Abs(y) : y;
                var trace = new Scatter
                {
                    name = reference.Label,
                    x = new[] { minX, maxX },
                    y = new[] { drawn, drawn },
                    mode = "lines",
                    legendgroup = "reference: " + reference.Label,
                    showlegend = !legendShown,
                    hoverinfo = "name+y",
                    line = new Line { color = "#444444", dash = ReferenceDashes[r % ReferenceDashes.Length], width = 1.5 },
                };
                if (!left)
                {
                    trace.xaxis = "x2";
                    trace.yaxis = "y2";
                }
                legendShown = true;
                traces.Add(trace);
            }
        }
        var layout = Layout(title, values);
        // A wide gap between the panels: the right panel's tick labels (10⁻⁴⁸ on a log axis) and its
        // axis title must not run into the left panel when the chart is printed.
        layout.xaxis = new Xaxis { title = xTitle, domain = new[] { 0.0, 0.4 }, anchor = "y" };
        layout.xaxis2 = new Xaxis { title = xTitle, domain = new[] { 0.6, 1.0 }, anchor = "y2" };
        if (integerX && maxX <= 20)
        {
            layout.xaxis.dtick = 1;
            layout.xaxis2.dtick = 1;
        }
        layout.yaxis = Axis(leftTitle, logY);
        layout.yaxis.anchor = "x";
        layout.yaxis2 = Axis(rightTitle, logY);
        layout.yaxis2.anchor = "x2";
        return Finish(traces, layout, Height);
    }

    /// <summary>A line keeps at most this many points; longer ones are thinned (<see cref="Thin"/>).</summary>
    internal const int MaxPointsPerLine = 600;

    private static Scatter Line(string name, double?[] x, double?[] y, int index)
    {
        (x, y) = Thin(x, y);
        return new()
        {
            name = name,
            x = x,
            y = y,
            mode = y.Length <= 30 ? "lines+markers" : "lines",
            legendgroup = name,
            line = new Line { color = Palette[index % Palette.Length] },
            marker = new Marker { color = Palette[index % Palette.Length] },
        };
    }

    /// <summary>
    /// A line of more than <see cref="MaxPointsPerLine"/> points (a training run's every step) drawn with
    /// fewer: the points are cut into buckets of consecutive ones, and each bucket keeps its lowest and
    /// its highest value, in order, so a one-step spike still shows; the first and last points stay.
    /// A chart that carried every step of 60,000 images made a notebook of megabytes.
    /// </summary>
    internal static (double?[] X, double?[] Y) Thin(double?[] x, double?[] y)
    {
        if (y.Length <= MaxPointsPerLine) return (x, y);
        int bucket = (int)Math.Ceiling((y.Length - 2) / (MaxPointsPerLine / 2.0 - 1));
        var keptX = new List<double?> { x[0] };
        var keptY = new List<double?> { y[0] };
        for (int start = 1; start < y.Length - 1; start += bucket)
        {
            int end = Math.Min(start + bucket, y.Length - 1);
            int low = -1, high = -1;
            bool gap = false;
            for (int i = start; i < end; i++)
            {
                if (y[i] is not double value) { gap = true; continue; }
                if (low < 0 || value < y[low]!.Value) low = i;
                if (high < 0 || value > y[high]!.Value) high = i;
            }
            int[] kept = low < 0 ? [] : low == high ? [low] : [Math.Min(low, high), Math.Max(low, high)];
            foreach (int i in kept)
            {
                keptX.Add(x[i]);
                keptY.Add(y[i]);
            }
            if (gap)   // a gap in the bucket stays a gap in the line
            {
                keptX.Add(x[end - 1]);
                keptY.Add(null);
            }
        }
        keptX.Add(x[^1]);
        keptY.Add(y[^1]);
        return (keptX.ToArray(), keptY.ToArray());
    }

    private static Yaxis Axis(string title, bool log)
    {
        var axis = new Yaxis { title = title };
        if (log)
        {
            axis.type = "log";
            axis.exponentformat = "power";
        }
        return axis;
    }

    /// <summary>
    /// Labels whole powers of ten only: over a range of a few decades plotly's default also labels
    /// 2, 3, ... 9 between them, and the labels run into each other.
    /// </summary>
    private static void DecadeTicks(Yaxis axis, IEnumerable<double> values)
    {
        var positive = values.Where(v => double.IsFinite(v) && v > 0).ToList();
        if (positive.Count == 0) return;
        double decades = Math.Log10(positive.Max()) - Math.Log10(positive.Min());
        axis.dtick = Math.Max(1, Math.Ceiling(decades / 8));
    }

    private static Layout.Layout Layout(string title, PlotValues values)
    {
        var layout = new Layout.Layout { title = title, margin = new Margin { t = 80 } };
        var note = values.GapNote();
        if (note is not null)
        {
            layout.annotations = new[]
            {
                new Annotation
                {
                    text = note, showarrow = false,
                    xref = "paper", yref = "paper", x = 1.0, y = 1.0, xanchor = "right", yanchor = "bottom",
                    font = new Font { size = 12, color = "#a33" },
                },
            };
        }
        return layout;
    }

    private static PlotlyChart Finish(IEnumerable<Trace> traces, Layout.Layout layout, int height)
    {
        var chart = Chart.Plot(traces, layout);
        chart.WithWidth(Width);
        chart.WithHeight(height);
        return chart;
    }
}

/// <summary>
/// A value to compare a <see cref="Charts.LayerStats(string, bool, IEnumerable{LayerReference}, ValueTuple{string, IReadOnlyList{LayerStat}}[])"/>
/// chart against, drawn as a dashed horizontal line: <paramref name="Mean"/> in the mean panel,
/// <paramref name="Std"/> in the std panel (either may be left out).
/// </summary>
public sealed record LayerReference(string Label, double? Mean = null, double? Std = null);
