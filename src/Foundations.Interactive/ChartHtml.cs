using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using XPlot.Plotly;

namespace Foundations.Interactive;

/// <summary>
/// Turns an XPlot <see cref="PlotlyChart"/> into an HTML fragment that draws itself wherever a
/// notebook output lands: VS Code, JupyterLab, or a handout opened from disk.
/// </summary>
/// <remarks>
/// plotly.js is sent once, inline, in the first chart of a kernel session (<see cref="Prelude"/>).
/// Every chart's script then waits for <c>window.Plotly</c>, so it draws whichever output carried
/// the library and in whatever order the outputs render. If the library never appears (the output
/// that carried it was cleared), the chart loads the same pinned version from the CDN and says so.
/// </remarks>
public static class ChartHtml
{
    /// <summary>How long a chart waits for plotly.js from an earlier output before using the CDN.</summary>
    private const int WaitMilliseconds = 5000;

    /// <summary>The HTML of one chart; <paramref name="prelude"/> goes first (plotly.js, or nothing).</summary>
    public static string Render(PlotlyChart chart, string prelude = "")
    {
        ArgumentNullException.ThrowIfNull(chart);
        var (data, layout) = Parts(chart);
        string id = ElementId(data, layout);
        var html = new StringBuilder(prelude);
        html.Append(CultureInfo.InvariantCulture,
            $"<div class=\"foundations-chart\" style=\"width:100%;max-width:{chart.Width}px\">");
        html.Append("<div class=\"foundations-chart-note\" style=\"display:none;color:#a33;font-size:90%\"></div>");
        html.Append(CultureInfo.InvariantCulture,
            $"<div id=\"{id}\" class=\"foundations-plot\" style=\"width:100%;height:{chart.Height}px\"></div></div>\n");
        html.Append("<script>\n(function () {\n");
        html.Append("  var id = ").Append(JsonSerializer.Serialize(id)).Append(";\n");
        html.Append("  var data = ").Append(data).Append(";\n");
        html.Append("  var layout = ").Append(layout).Append(";\n");
        html.Append(DrawScript);
        html.Append("})();\n</script>\n");
        return html.ToString();
    }

    private static readonly Lock IdGate = new();
    private static readonly Dictionary<string, int> IdsGiven = new(StringComparer.Ordinal);

    /// <summary>
    /// The chart's element id: a hash of what it draws, plus how many charts with the same content this
    /// session drew before it. Two runs of a notebook give the same ids, so executed notebooks compare
    /// byte for byte, and two identical charts on one page still get distinct elements.
    /// </summary>
    internal static string ElementId(string data, string layout)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(data + "\n" + layout)))[..16];
        int seen;
        lock (IdGate)
        {
            seen = IdsGiven.GetValueOrDefault(hash);
            IdsGiven[hash] = seen + 1;
        }
        return seen == 0 ? $"foundations-chart-{hash}" : $"foundations-chart-{hash}-{seen}";
    }

    /// <summary>The first chart's prelude when the local plotly.min.js exists: the library itself.</summary>
    public static string InlinePrelude(string plotlyJs)
    {
        Require.NotNull(plotlyJs, "ChartHtml.InlinePrelude");
        // The bundle is UMD: where require.js defines `define` (classic Jupyter, nbconvert pages) it
        // would register an AMD module and leave window.Plotly unset, so hide define/module/exports.
        return "<script>\n/* plotly.js " + PlotlyScript.Version + ", sent once per kernel session by Foundations.Interactive */\n"
            + "if (!window.Plotly) (function (define, module, exports) {\n"
            + EscapeForScript(plotlyJs)
            + "\n}).call(self);\n</script>\n";
    }

    /// <summary>The first chart's prelude when there is no local plotly.min.js: a visible note and a CDN load.</summary>
    public static string CdnPrelude() =>
        "<div class=\"foundations-chart-note\" style=\"color:#a33;font-size:90%\">"
        + $"plotly.js {PlotlyScript.Version} was not found on this machine (run .ci/setup, or set {PlotlyScript.PathVariable} "
        + "to a plotly.min.js), so charts load it from the CDN and need the network.</div>\n"
        + "<script>\n(function () {\n" + LoaderScript + "  foundationsLoadPlotly(function () {});\n})();\n</script>\n";

    /// <summary>The trace array and layout object of a chart, as JSON safe to place inside a script element.</summary>
    internal static (string Data, string Layout) Parts(PlotlyChart chart)
    {
        // XPlot 4.1 writes "var data = [...];" and "var layout = {...};" on lines of their own; JSON
        // strings cannot hold a raw newline, so each line holds a whole value.
        string? data = null, layout = null;
        foreach (var raw in chart.GetPlottingJS().Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("var data = ", StringComparison.Ordinal)) data = Value(line, "var data = ");
            else if (line.StartsWith("var layout = ", StringComparison.Ordinal)) layout = Value(line, "var layout = ");
        }
        if (data is null || layout is null)
            throw new InvalidOperationException("ChartHtml: XPlot's plotting script no longer has the expected 'var data' and 'var layout' lines.");
        if (layout is "\"\"" or "null") layout = "{}";
        return (EscapeJson(data), EscapeJson(TitlesAsObjects(layout)));
    }

    /// <summary>
    /// XPlot writes every title as a string (<c>"title": "loss"</c>), a form plotly.js 3 stopped reading:
    /// since then a title is an object, <c>"title": {"text": "loss"}</c>. This rewrites the chart's title
    /// and each axis title into that form, which plotly.js 2 reads too.
    /// </summary>
    internal static string TitlesAsObjects(string layoutJson)
    {
        if (JsonNode.Parse(layoutJson) is not JsonObject layout) return layoutJson;
        WrapTitle(layout);
        foreach (var (name, value) in layout)
            if (value is JsonObject axis && (name.StartsWith("xaxis", StringComparison.Ordinal) || name.StartsWith("yaxis", StringComparison.Ordinal)))
                WrapTitle(axis);
        return layout.ToJsonString(Relaxed);
    }

    /// <summary>Leaves non-ASCII text as it is; '&lt;' is escaped afterwards, by <see cref="EscapeJson"/>.</summary>
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void WrapTitle(JsonObject owner)
    {
        if (owner["title"] is JsonValue title && title.TryGetValue(out string? text))
            owner["title"] = new JsonObject { ["text"] = text };
    }

    private static string Value(string line, string prefix) => line[prefix.Length..].TrimEnd(';');

    /// <summary>'&lt;' only appears inside JSON strings, where \u003c means the same and cannot close the script element.</summary>
    private static string EscapeJson(string json) => json.Replace("<", "\\u003c", StringComparison.Ordinal);

    private static string EscapeForScript(string js) =>
        js.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase)
          .Replace("<!--", "<\\!--", StringComparison.Ordinal);

    /// <summary>Marks the CDN fallback in a chart's script, so an offline handout can drop it (the pipeline does).</summary>
    public const string FallbackBegin = "/* foundations-cdn-fallback: begin */";
    public const string FallbackEnd = "/* foundations-cdn-fallback: end */";

    /// <summary>
    /// Defines foundationsLoadPlotly(callback): loads the pinned plotly.js from the CDN once per page,
    /// with its subresource-integrity hash, so a changed file on the CDN is refused rather than run.
    /// </summary>
    private static readonly string LoaderScript = FallbackBegin + "\n" + """
          var foundationsLoadPlotly = window.foundationsLoadPlotly || function (callback) {
            var state = window.foundationsPlotlyCdn;
            if (state) { if (state.done) callback(); else state.waiting.push(callback); return; }
            state = window.foundationsPlotlyCdn = { done: false, waiting: [callback] };
            var finish = function () { state.done = true; state.waiting.forEach(function (f) { f(); }); state.waiting = []; };
            var url = "__URL__";
            if (typeof window.define === "function" && window.define.amd && typeof window.require === "function") {
              window.require.config({
                paths: { "foundations-plotly": url.replace(/\.js$/, "") },
                onNodeCreated: function (node, config, name) {
                  if (name === "foundations-plotly") { node.setAttribute("integrity", "__INTEGRITY__"); node.setAttribute("crossorigin", "anonymous"); }
                }
              });
              window.require(["foundations-plotly"], function (plotly) { window.Plotly = plotly; finish(); }, finish);
            } else {
              var script = document.createElement("script");
              script.src = url;
              script.integrity = "__INTEGRITY__";
              script.crossOrigin = "anonymous";
              script.onload = finish;
              script.onerror = finish;
              document.head.appendChild(script);
            }
          };
          window.foundationsLoadPlotly = foundationsLoadPlotly;

        """.Replace("__URL__", PlotlyScript.CdnUrl, StringComparison.Ordinal)
           .Replace("__INTEGRITY__", PlotlyScript.CdnIntegrity, StringComparison.Ordinal) + FallbackEnd + "\n";

    private static readonly string DrawScript = LoaderScript + """
          var config = { responsive: true, displaylogo: false };
          var ready = function () { return !!(window.Plotly && window.Plotly.newPlot); };
          // A committed notebook carries a picture of the chart inside its element (.ci/pipeline puts it
          // there, for viewers that run no scripts); the interactive chart replaces it, and while there is
          // none the picture stands in without a note.
          var picture = function (element) { return element.querySelector(".foundations-picture"); };
          var draw = function () {
            var element = document.getElementById(id);
            if (!element) return;
            if (ready()) {
              if (picture(element)) picture(element).remove();
              window.Plotly.newPlot(element, data, layout, config);
              return;
            }
            if (picture(element)) return;
            var note = element.parentNode.querySelector(".foundations-chart-note");
            note.textContent = "This chart cannot be drawn: plotly.js is not on this page and could not be loaded. Run the notebook again from the top.";
            note.style.display = "block";
          };
          if (ready()) { draw(); return; }
          var waited = 0;
          var timer = setInterval(function () {
            waited += 100;
            if (ready()) { clearInterval(timer); draw(); }
            else if (waited >= __WAIT__) {
              clearInterval(timer);
              var element = document.getElementById(id);
              if (element && !picture(element)) {
                var note = element.parentNode.querySelector(".foundations-chart-note");
                note.textContent = "plotly.js was not on this page, so this chart loads plotly.js __VERSION__ from the CDN.";
                note.style.display = "block";
              }
              foundationsLoadPlotly(draw);
            }
          }, 100);

        """.Replace("__WAIT__", WaitMilliseconds.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
           .Replace("__VERSION__", PlotlyScript.Version, StringComparison.Ordinal);
}
