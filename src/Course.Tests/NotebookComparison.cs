using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Course.Tests;

/// <summary>One code cell whose outputs differ between two executions, with an excerpt around the first difference.</summary>
public sealed record NotebookDifference(string Cell, string Excerpt)
{
    public override string ToString() => $"{Cell}\n{Excerpt}";
}

/// <summary>
/// Compares the outputs of two executions of the same notebook, code cell by code cell. Cells tagged
/// "timing" are skipped. Three things are normalised, each because it is not produced by the notebook's
/// code but by the session around it:
/// <list type="bullet">
/// <item>the kernel's bootstrap output (a script that probes the kernel's HTTP port and this machine's
/// network addresses so a live page can talk back to the kernel); it changes with the port the kernel got;</item>
/// <item>how stdout/stderr text is split into consecutive stream outputs, which depends on when the kernel
/// flushed, not on what was printed; consecutive stream outputs of the same name are joined;</item>
/// <item>the element id of each chart (ChartHtml makes a fresh random one per chart so that two charts
/// on a page never share an id); it is replaced by a placeholder.</item>
/// </list>
/// Everything else, including execution counts, must be identical.
/// </summary>
public static partial class NotebookComparison
{
    public const string TimingTag = "timing";

    /// <summary>Markers of the kernel's bootstrap output (the same ones .ci/handouts drops from the handouts).</summary>
    private static readonly string[] KernelBootstrapMarkers = ["dotnet-interactive-this-cell", "probeAddresses("];

    /// <summary>The differing code cells; empty when the executions agree. <paramref name="source"/> supplies the timing tags.</summary>
    public static IReadOnlyList<NotebookDifference> Compare(NotebookDocument source, NotebookDocument first, NotebookDocument second)
    {
        var differences = new List<NotebookDifference>();
        var sourceCode = source.CodeCells.ToList();
        var firstCode = first.CodeCells.ToList();
        var secondCode = second.CodeCells.ToList();
        if (firstCode.Count != secondCode.Count || firstCode.Count != sourceCode.Count)
        {
            differences.Add(new NotebookDifference("(whole notebook)",
                $"code cells: notebook {sourceCode.Count}, first execution {firstCode.Count}, second execution {secondCode.Count}; "
                + "if the notebook changed, run .ci/handouts again"));
            return differences;
        }
        for (int i = 0; i < sourceCode.Count; i++)
        {
            var cell = sourceCode[i];
            if (firstCode[i].Source != cell.Source || secondCode[i].Source != cell.Source)
            {
                differences.Add(new NotebookDifference($"{cell.Label} \"{cell.Summary}\"", firstCode[i].Source != cell.Source
                    ? "the first execution (build/executed) ran a different version of this cell: run .ci/handouts again"
                    : "the cell changed while the second execution ran"));
                continue;
            }
            if (cell.Tags.Contains(TimingTag)) continue;
            var a = Render(firstCode[i].Outputs);
            var b = Render(secondCode[i].Outputs);
            if (a != b) differences.Add(new NotebookDifference($"{cell.Label} \"{cell.Summary}\"", Excerpt(a, b)));
        }
        return differences;
    }

    /// <summary>The normalised outputs of one cell as lines of text: a header per output, then each MIME type's content.</summary>
    public static string Render(JsonArray? outputs)
    {
        var text = new StringBuilder();
        int index = 0;
        foreach (var output in Normalise(outputs))
        {
            var type = output["output_type"]?.GetValue<string>() ?? "?";
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"[output {index++}] {type}");
            if (output["name"] is JsonNode name) text.Append(' ').Append(name.GetValue<string>());
            if (output["execution_count"] is JsonNode count) text.Append(" execution_count=").Append(count.ToJsonString());
            text.Append('\n');
            switch (type)
            {
                case "stream":
                    AppendBlock(text, NotebookDocument.Text(output["text"]));
                    break;
                case "error":
                    AppendBlock(text, $"{output["ename"]?.GetValue<string>()}: {output["evalue"]?.GetValue<string>()}");
                    break;
                default:
                    if (output["data"] is JsonObject data)
                    {
                        foreach (var (mime, value) in data.OrderBy(p => p.Key, StringComparer.Ordinal))
                        {
                            text.Append("  <").Append(mime).Append(">\n");
                            AppendBlock(text, value is JsonObject ? value.ToJsonString() : NotebookDocument.Text(value));
                        }
                    }
                    if (output["metadata"] is JsonObject { Count: > 0 } metadata)
                        AppendBlock(text, "metadata " + metadata.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
                    break;
            }
        }
        return text.ToString();
    }

    /// <summary>Copies of the outputs with the session-specific parts removed or replaced (see the class remarks).</summary>
    public static IReadOnlyList<JsonObject> Normalise(JsonArray? outputs)
    {
        var result = new List<JsonObject>();
        foreach (var node in outputs ?? [])
        {
            if (node is not JsonObject original) continue;
            if (IsKernelBootstrap(original)) continue;
            var output = (JsonObject)original.DeepClone();
            if (output["data"] is JsonObject data)
            {
                foreach (var mime in data.Select(p => p.Key).ToList())
                {
                    var content = NotebookDocument.Text(data[mime]);
                    if (content.Contains("foundations-chart-", StringComparison.Ordinal))
                        data[mime] = ChartId().Replace(content, "foundations-chart-<id>");
                }
            }
            var type = output["output_type"]?.GetValue<string>();
            if (type == "stream" && result.Count > 0 && result[^1]["output_type"]?.GetValue<string>() == "stream"
                && result[^1]["name"]?.GetValue<string>() == output["name"]?.GetValue<string>())
            {
                result[^1]["text"] = NotebookDocument.Text(result[^1]["text"]) + NotebookDocument.Text(output["text"]);
                continue;
            }
            if (type == "stream") output["text"] = NotebookDocument.Text(output["text"]);
            result.Add(output);
        }
        return result;
    }

    public static bool IsKernelBootstrap(JsonObject output)
    {
        if (output["output_type"]?.GetValue<string>() is not ("display_data" or "execute_result")) return false;
        if (output["data"] is not JsonObject data) return false;
        var html = NotebookDocument.Text(data["text/html"]);
        return KernelBootstrapMarkers.All(marker => html.Contains(marker, StringComparison.Ordinal));
    }

    /// <summary>A few lines either side of the first differing line of <paramref name="a"/> and <paramref name="b"/>, long lines cut around the difference.</summary>
    public static string Excerpt(string a, string b, int context = 3, int width = 160)
    {
        var linesA = a.Split('\n');
        var linesB = b.Split('\n');
        int line = 0;
        while (line < linesA.Length && line < linesB.Length && linesA[line] == linesB[line]) line++;
        int column = 0;
        if (line < linesA.Length && line < linesB.Length)
            while (column < linesA[line].Length && column < linesB[line].Length && linesA[line][column] == linesB[line][column]) column++;

        var excerpt = new StringBuilder();
        excerpt.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"first difference at line {line + 1}, column {column + 1} of the rendered outputs:");
        void Side(string label, string[] lines)
        {
            excerpt.AppendLine(label);
            for (int i = Math.Max(0, line - context); i <= Math.Min(lines.Length - 1, line + context); i++)
                excerpt.AppendLine((i == line ? "  > " : "    ") + Cut(lines[i], i == line ? column : 0, width));
            if (line >= lines.Length) excerpt.AppendLine("  > (no more lines)");
        }
        Side("--- first execution (build/executed):", linesA);
        Side("--- second execution (this test):", linesB);
        return excerpt.ToString().TrimEnd();
    }

    private static string Cut(string line, int around, int width)
    {
        if (line.Length <= width) return line;
        int start = Math.Clamp(around - width / 4, 0, line.Length - width);
        return (start > 0 ? "..." : "") + line.Substring(start, width) + (start + width < line.Length ? "..." : "");
    }

    private static void AppendBlock(StringBuilder text, string content)
    {
        foreach (var line in content.Split('\n'))
            text.Append("    ").Append(line).Append('\n');
    }

    [GeneratedRegex(@"foundations-chart-[0-9a-f]{32}")]
    private static partial Regex ChartId();
}
