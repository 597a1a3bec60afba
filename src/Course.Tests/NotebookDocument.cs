using System.Text.Json;
using System.Text.Json.Nodes;

namespace Course.Tests;

/// <summary>One cell of an .ipynb file: its source joined into one string, its metadata and outputs as JSON.</summary>
public sealed record NotebookCell(int Index, string? Id, string Type, string Source, JsonObject Metadata, JsonArray? Outputs, JsonNode? ExecutionCount)
{
    public bool IsCode => Type == "code";

    public bool IsMarkdown => Type == "markdown";

    public IReadOnlyList<string> Tags =>
        Metadata["tags"] is JsonArray tags ? tags.Select(t => t?.GetValue<string>() ?? "").ToList() : [];

    /// <summary>The first line of the source, shortened, for messages.</summary>
    public string Summary
    {
        get
        {
            var first = Source.Split('\n')[0].TrimEnd('\r');
            return first.Length > 80 ? first[..77] + "..." : first;
        }
    }

    /// <summary>"cell 3 (id 1a2b3c4d)" as messages name a cell; the index counts every cell from 0.</summary>
    public string Label => Id is null ? $"cell {Index}" : $"cell {Index} (id {Id})";
}

/// <summary>An .ipynb file read as plain JSON (nbformat 4), with no Jupyter library involved.</summary>
public sealed class NotebookDocument
{
    private NotebookDocument(string name, JsonObject root, IReadOnlyList<NotebookCell> cells)
    {
        Name = name;
        Root = root;
        Cells = cells;
    }

    public string Name { get; }

    public JsonObject Root { get; }

    public JsonObject Metadata => Root["metadata"] as JsonObject ?? [];

    public IReadOnlyList<NotebookCell> Cells { get; }

    public IEnumerable<NotebookCell> CodeCells => Cells.Where(c => c.IsCode);

    public IEnumerable<NotebookCell> MarkdownCells => Cells.Where(c => c.IsMarkdown);

    public static NotebookDocument Load(string path) => Parse(File.ReadAllText(path), Path.GetFileName(path));

    /// <summary>Parses notebook JSON; throws <see cref="FormatException"/> naming the file when it is not a notebook.</summary>
    public static NotebookDocument Parse(string json, string name)
    {
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{name} is not valid JSON: {e.Message}", e);
        }
        if (parsed is not JsonObject root || root["cells"] is not JsonArray cellArray)
            throw new FormatException($"{name} is not a notebook: no \"cells\" array.");

        var cells = new List<NotebookCell>();
        foreach (var (node, index) in cellArray.Select((n, i) => (n, i)))
        {
            if (node is not JsonObject cell) throw new FormatException($"{name}: cell {index} is not an object.");
            cells.Add(new NotebookCell(
                index,
                cell["id"]?.GetValue<string>(),
                cell["cell_type"]?.GetValue<string>() ?? "",
                Text(cell["source"]),
                cell["metadata"] as JsonObject ?? [],
                cell["outputs"] as JsonArray,
                cell["execution_count"]));
        }
        return new NotebookDocument(name, root, cells);
    }

    /// <summary>nbformat stores multi-line text either as one string or as an array of lines.</summary>
    public static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>() ?? "")),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    /// <summary>The string at a dotted path of nested objects ("kernelspec.name"), or null.</summary>
    public string? MetadataString(string dottedPath)
    {
        JsonNode? node = Metadata;
        foreach (var part in dottedPath.Split('.'))
            node = (node as JsonObject)?[part];
        return node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
    }
}
