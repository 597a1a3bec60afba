using System.Text.Json;

namespace Course.Runner;

/// <summary>One code cell of a notebook: its number among the code cells (from 1) and its source.</summary>
public sealed record CodeCell(int Number, string Source)
{
    /// <summary>The first line that is not blank, for messages that name the cell.</summary>
    public string FirstLine => FirstLineOf(Source);

    public static string FirstLineOf(string source) =>
        source.Split('\n').Select(line => line.TrimEnd('\r').Trim()).FirstOrDefault(line => line.Length > 0) ?? "(empty)";
}

/// <summary>Reads the code cells of a Jupyter notebook (.ipynb) saved by Polyglot Notebooks.</summary>
public static class NotebookFile
{
    private static readonly string[] CSharpNames = ["csharp", "c#"];

    /// <summary>The code cells in order. Markdown and raw cells are skipped; a cell for another kernel is an error.</summary>
    public static IReadOnlyList<CodeCell> ReadCodeCells(string path)
    {
        if (!File.Exists(path)) throw new RunnerException($"{path}: no such notebook");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException error)
        {
            throw new RunnerException($"{path}: not a notebook, the JSON does not parse ({error.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("cells", out var cells) || cells.ValueKind != JsonValueKind.Array)
                throw new RunnerException($"{path}: not a notebook, there is no \"cells\" array");

            var code = new List<CodeCell>();
            foreach (var cell in cells.EnumerateArray())
            {
                if (Text(cell, "cell_type") != "code") continue;
                int number = code.Count + 1;
                var kernel = KernelOf(cell);
                if (kernel is not null && !CSharpNames.Contains(kernel, StringComparer.OrdinalIgnoreCase))
                    throw new RunnerException($"{path}: cell {number} is a {kernel} cell; the terminal runner runs C# only");
                code.Add(new CodeCell(number, Source(cell, path, number)));
            }
            return code;
        }
    }

    /// <summary>Polyglot Notebooks records each cell's kernel in its metadata; null when a cell names none.</summary>
    private static string? KernelOf(JsonElement cell)
    {
        if (!cell.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object) return null;
        if (metadata.TryGetProperty("polyglot_notebook", out var polyglot) && Text(polyglot, "kernelName") is { } name) return name;
        if (metadata.TryGetProperty("dotnet_interactive", out var interactive) && Text(interactive, "language") is { } language) return language;
        return null;
    }

    /// <summary>nbformat allows a cell's source as one string or as a list of lines that keep their newlines.</summary>
    private static string Source(JsonElement cell, string path, int number)
    {
        if (!cell.TryGetProperty("source", out var source)) return "";
        return source.ValueKind switch
        {
            JsonValueKind.String => source.GetString()!,
            JsonValueKind.Array => string.Concat(source.EnumerateArray().Select(line =>
                line.ValueKind == JsonValueKind.String ? line.GetString() : throw new RunnerException($"{path}: cell {number} has a source line that is not a string"))),
            _ => throw new RunnerException($"{path}: cell {number} has a source that is neither a string nor a list of lines"),
        };
    }

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
