using System.Text.Json;
using System.Text.Json.Nodes;
using Course.Runner;

// Running a notebook changes Console.Out and the current directory for the whole process.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Course.Runner.Tests;

/// <summary>A notebook written to a fresh temporary folder, run through the runner with its output captured.</summary>
public sealed class TestNotebook : IDisposable
{
    public TestNotebook(params string[] cells)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("course-runner-").FullName;
        Path = System.IO.Path.Combine(Directory, "sample.ipynb");
        Write(Path, cells);
    }

    public string Directory { get; }
    public string Path { get; }
    public string Charts => System.IO.Path.Combine(Directory, "charts");

    /// <summary>The assemblies' files, for #r lines that a notebook in a temporary folder can resolve.</summary>
    public static string Dll(Type type) => type.Assembly.Location;

    /// <summary>A #r line for each course assembly, as the set-up cell has them.</summary>
    public static string LibraryReferences() =>
        $"#r \"{Dll(typeof(Foundations.Tensor))}\"\n#r \"{Dll(typeof(Course.Exercises.Exercise))}\"\n#r \"{Dll(typeof(Foundations.Interactive.Charts))}\"\n#r \"{Dll(typeof(XPlot.Plotly.PlotlyChart))}\"";

    /// <summary>Writes a file next to the notebook, such as a .dib for #!import.</summary>
    public void WriteFile(string name, string text) => File.WriteAllText(System.IO.Path.Combine(Directory, name), text);

    public (NotebookResult Result, string Output) Run()
    {
        var output = new StringWriter();
        var result = NotebookRunner.Run(Path, Charts, output);
        return (result, output.ToString());
    }

    /// <summary>Runs a notebook that must fail, and returns the failure with the output printed before it.</summary>
    public (CellFailedException Failure, string Output) Fail()
    {
        var output = new StringWriter();
        var failure = Assert.Throws<CellFailedException>(() => NotebookRunner.Run(Path, Charts, output));
        return (failure, output.ToString());
    }

    /// <summary>Code cells in the shape Polyglot saves: source as a list of lines, with the C# kernel in the metadata.</summary>
    public static void Write(string path, IEnumerable<string> cells, JsonObject? extraFirst = null)
    {
        var list = new JsonArray();
        if (extraFirst is not null) list.Add(extraFirst);
        list.Add(new JsonObject { ["cell_type"] = "markdown", ["metadata"] = new JsonObject(), ["source"] = new JsonArray("# A title") });
        foreach (var cell in cells)
        {
            var lines = cell.Split('\n');
            var source = new JsonArray(lines.Select((line, i) => (JsonNode)JsonValue.Create(i < lines.Length - 1 ? line + "\n" : line)!).ToArray());
            list.Add(new JsonObject
            {
                ["cell_type"] = "code",
                ["metadata"] = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" } },
                ["outputs"] = new JsonArray(),
                ["source"] = source,
            });
        }
        File.WriteAllText(path, new JsonObject { ["cells"] = list, ["nbformat"] = 4, ["nbformat_minor"] = 5 }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
