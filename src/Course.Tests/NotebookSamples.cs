using System.Text.Json.Nodes;

namespace Course.Tests;

/// <summary>
/// Small hand-made notebooks for testing the checks themselves: one that keeps every rule, and ways to
/// break it, so each rule is shown to accept a good notebook and reject a bad one.
/// </summary>
public static class NotebookSamples
{
    /// <summary>A repository root that does not need to exist: the rules only compute paths.</summary>
    public static readonly string Root = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "sample-repository"));

    public static string NotebookDirectory => Path.Combine(Root, "notebooks");

    /// <summary>A set-up file that keeps the set-up rule.</summary>
    public const string SetupScript = """
        #!csharp

        if (!File.Exists("../src/Foundations.Interactive/bin/Release/net10.0/Foundations.Interactive.dll"))
            Process.Start("dotnet", "build ../src/Foundations.Interactive -c Release")!.WaitForExit();

        #!csharp

        #r "../src/Foundations.Interactive/bin/Release/net10.0/Foundations.dll"
        #r "../src/Foundations.Interactive/bin/Release/net10.0/Foundations.Interactive.dll"
        using Foundations; using Foundations.Interactive;
        Notebook.Setup();
        Tensor.ManualSeed(42);
        AppContext.SetData("Foundations.Setup", "complete");
        """;

    /// <summary>A notebook that keeps every rule; <paramref name="change"/> edits its JSON before it is parsed.</summary>
    public static NotebookDocument Good(Action<JsonObject>? change = null, string name = "01_sample.ipynb")
    {
        var root = new JsonObject
        {
            ["cells"] = new JsonArray(
                Markdown("c0", "# Chapter 1 — Sample\nA short introduction."),
                Code("c1", "#!import setup.dib", "setup"),
                Code("c3", "var x = Tensor.Randn(3, 4);\nCheck.TestClose(x.Sum().Item(), x.Sum().Item(), what: \"sum\");\nx"),
                Code("c4", "var clock = System.Diagnostics.Stopwatch.StartNew();\n$\"{clock.Elapsed.TotalMilliseconds} ms\"", "timing"),
                Code("c5", "var stats = new ActivationStats();\nstats.Record(0, 0, \"x\", x);\nCharts.LayerStats(stats.Records, \"activations\")"),
                Markdown("c6", "The final version lives in `src/Foundations/01-Tensors/Tensor.cs`.\n\n## Questions and exercises\n1. Why seed?")),
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
                ["language_info"] = new JsonObject
                {
                    ["name"] = "C#", ["file_extension"] = ".cs", ["mimetype"] = "text/x-csharp", ["pygments_lexer"] = "csharp", ["version"] = "13.0",
                },
                ["polyglot_notebook"] = new JsonObject
                {
                    ["kernelInfo"] = new JsonObject
                    {
                        ["defaultKernelName"] = "csharp",
                        ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["languageName"] = "C#", ["name"] = "csharp" }),
                    },
                },
            },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        change?.Invoke(root);
        return NotebookDocument.Parse(root.ToJsonString(), name);
    }

    public static JsonObject Code(string id, string source, params string[] tags)
    {
        var metadata = new JsonObject
        {
            ["dotnet_interactive"] = new JsonObject { ["language"] = "csharp" },
            ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
        };
        if (tags.Length > 0) metadata["tags"] = new JsonArray(tags.Select(t => (JsonNode)JsonValue.Create(t)).ToArray());
        return new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["id"] = id,
            ["metadata"] = metadata,
            ["outputs"] = new JsonArray(),
            ["source"] = Lines(source),
        };
    }

    public static JsonObject Markdown(string id, string source) => new()
    {
        ["cell_type"] = "markdown",
        ["id"] = id,
        ["metadata"] = new JsonObject(),
        ["source"] = Lines(source),
    };

    /// <summary>The cells array of a sample's JSON.</summary>
    public static JsonArray Cells(JsonObject root) => (JsonArray)root["cells"]!;

    /// <summary>Replaces the source of the cell with id <paramref name="id"/>.</summary>
    public static void SetSource(JsonObject root, string id, string source) =>
        Cells(root).OfType<JsonObject>().Single(c => c["id"]!.GetValue<string>() == id)["source"] = Lines(source);

    /// <summary>nbformat's usual layout: one string per line, each but the last ending in "\n".</summary>
    public static JsonArray Lines(string text)
    {
        var array = new JsonArray();
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
            array.Add(i < lines.Length - 1 ? lines[i] + "\n" : lines[i]);
        return array;
    }

    /// <summary>An output object as nbclient writes it.</summary>
    public static JsonObject Stream(string name, string text) =>
        new() { ["name"] = name, ["output_type"] = "stream", ["text"] = Lines(text) };
}
