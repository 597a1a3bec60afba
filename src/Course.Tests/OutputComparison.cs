using System.Text;
using System.Text.Json.Nodes;

namespace Course.Tests;

/// <summary>
/// Compares the outputs of two executions of one notebook made by different Jupyter clients (nbclient
/// in the pipeline, the classic front end's Run All): the code cells' outputs, cell by cell, in a form
/// that evens out what the clients store differently and nothing else. Consecutive stream outputs of
/// one stream are joined and their carriage returns applied (the front end does both as messages
/// arrive, nbclient keeps each message); execution counts, output metadata and the kernel's bootstrap
/// script (its port changes per run) are left out. Cells tagged timing or setup are skipped (see
/// <see cref="LiveJupyterTests.Notebook_GivesTheSameOutputsInEveryExecution"/>).
/// </summary>
public static class OutputComparison
{
    private static readonly string[] BootstrapMarkers = ["dotnet-interactive-this-cell", "probeAddresses("];

    /// <summary>One line per differing code cell: its number, first line and both outputs; empty when they agree.</summary>
    public static IReadOnlyList<string> Differences(string firstNotebookJson, string secondNotebookJson)
    {
        var first = CodeCells(firstNotebookJson);
        var second = CodeCells(secondNotebookJson);
        if (!first.Select(c => c.Source).SequenceEqual(second.Select(c => c.Source)))
            return ["the two executions ran different versions of the notebook"];
        var skipped = new[] { PipelineSettings.TimingTag, PipelineSettings.SetupTag };
        var differences = new List<string>();
        for (int i = 0; i < first.Count; i++)
        {
            if (first[i].Tags.Any(skipped.Contains)) continue;
            var (a, b) = (first[i].Outputs, second[i].Outputs);
            if (a.SequenceEqual(b)) continue;
            int at = Enumerable.Range(0, Math.Min(a.Count, b.Count)).FirstOrDefault(k => a[k] != b[k], Math.Min(a.Count, b.Count));
            differences.Add($"code cell {i + 1} (`{FirstLine(first[i].Source)}`): {a.Count} output(s), then {b.Count}; "
                + $"output {at + 1} first:\n{Shorten(a.ElementAtOrDefault(at) ?? "(none)")}\nthen:\n{Shorten(b.ElementAtOrDefault(at) ?? "(none)")}");
        }
        return differences;
    }

    private sealed record Cell(string Source, IReadOnlyList<string> Tags, IReadOnlyList<string> Outputs);

    private static List<Cell> CodeCells(string json) =>
        JsonNode.Parse(json)!["cells"]!.AsArray()
            .Where(c => c!["cell_type"]!.GetValue<string>() == "code")
            .Select(c => new Cell(Joined(c!["source"]),
                c["metadata"]?["tags"]?.AsArray().Select(t => t!.GetValue<string>()).ToList() ?? [],
                Normalized(c["outputs"]?.AsArray() ?? [])))
            .ToList();

    /// <summary>Each output as one string; consecutive outputs of one stream as one, with carriage returns applied.</summary>
    public static IReadOnlyList<string> Normalized(JsonArray outputs)
    {
        var result = new List<string>();
        string? stream = null;
        var text = new StringBuilder();
        void Flush()
        {
            if (stream is not null) result.Add($"stream {stream}:\n{Overwritten(text.ToString())}");
            stream = null;
            text.Clear();
        }
        foreach (var output in outputs)
        {
            var type = output!["output_type"]!.GetValue<string>();
            if (type == "stream")
            {
                var name = output["name"]!.GetValue<string>();
                if (name != stream) Flush();
                stream = name;
                text.Append(Joined(output["text"]));
                continue;
            }
            Flush();
            if (type == "error")
            {
                result.Add($"error: {output["ename"]?.GetValue<string>()}: {output["evalue"]?.GetValue<string>()}");
                continue;
            }
            var data = output["data"]?.AsObject() ?? new JsonObject();
            if (data["text/html"] is { } html && BootstrapMarkers.Any(Joined(html).Contains)) continue;
            result.Add($"{type}:\n" + string.Join("\n", data.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"[{d.Key}] {Joined(d.Value)}")));
        }
        Flush();
        return result;
    }

    /// <summary>Text as a terminal shows it: "\r\n" is a line end, and text after a lone "\r" overwrites its line from the start.</summary>
    public static string Overwritten(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].Contains('\r')) continue;
            var shown = "";
            foreach (var part in lines[i].Split('\r'))
                shown = part + (part.Length < shown.Length ? shown[part.Length..] : "");
            lines[i] = shown;
        }
        return string.Join("\n", lines);
    }

    private static string Joined(JsonNode? node) => node switch
    {
        null => "",
        JsonArray parts => string.Concat(parts.Select(p => p!.GetValue<string>())),
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    private static string FirstLine(string source)
    {
        var lines = source.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var line = lines.FirstOrDefault(l => !l.StartsWith("//", StringComparison.Ordinal)) ?? lines.FirstOrDefault() ?? "(empty)";
        return line.Length <= 80 ? line : line[..77] + "...";
    }

    private static string Shorten(string text) => text.Length <= 1500 ? text : text[..1500] + $"... ({text.Length - 1500} more characters)";
}
