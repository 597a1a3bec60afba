using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Course.Tests;

/// <summary>
/// notebooks/setup.dib when it fails, run through the real kernel by the pipeline's harness
/// (<c>pipeline.py execute</c>), in a temporary folder: copies of it whose way to <c>src/</c> leads to a
/// library that does not build, one that is not there, and one whose DLLs do not load, each imported by a
/// cell followed by an ordinary cell; then the real set-up, which must recover in the same kernel; then a
/// failure once the library is loaded. One kernel run, which every test reads.
/// </summary>
public sealed class FailedSetupRun : IDisposable
{
    /// <summary>The cells, in order; a cell expected to fail is tagged raises-exception, so nbclient runs the next.</summary>
    public static readonly (string Source, bool Fails)[] Cells =
    [
        ("#!import failing/setup.dib", false),     // 1: the library does not build
        ("Tensor.Zeros(2)", true),                 // 2
        ("#!import missing/setup.dib", false),     // 3: no library and nothing to build it from
        ("Tensor.Zeros(2)", true),                 // 4
        ("#!import unreadable/setup.dib", false),  // 5: the DLLs are there but are not assemblies
        ("Tensor.Zeros(2)", true),                 // 6
        ("#!import setup.dib", false),             // 7: the real library: the first cell run again after a fix
        ("Tensor.Zeros(2)", false),                // 8
        ("#!import missing/setup.dib", false),     // 9: a failure once the library is loaded
        ("Tensor.Zeros(3)", true),                 // 10
    ];

    public FailedSetupRun()
    {
        Folder = Directory.CreateTempSubdirectory("course-failed-setup-").FullName;
        var notebooks = Directory.CreateDirectory(Path.Combine(Folder, "notebooks")).FullName;
        // The kernel is the repository's local tool, found through its manifest.
        Directory.CreateDirectory(Path.Combine(Folder, ".config"));
        File.Copy(Repo.PathOf(".config", "dotnet-tools.json"), Path.Combine(Folder, ".config", "dotnet-tools.json"));

        var setup = Repo.Read("notebooks", "setup.dib");
        void WriteSetup(string folder, string library)
        {
            Directory.CreateDirectory(Path.Combine(notebooks, folder));
            File.WriteAllText(Path.Combine(notebooks, folder, "setup.dib"), setup.Replace("../src/", library, StringComparison.Ordinal));
        }
        WriteSetup(".", Repo.PathOf("src") + "/");
        WriteSetup("missing", "../nowhere/");
        WriteSetup("failing", "../failing/");
        WriteSetup("unreadable", "../unreadable/");

        var failing = Directory.CreateDirectory(Path.Combine(Folder, "failing", "Foundations.Interactive")).FullName;
        File.WriteAllText(Path.Combine(failing, "Foundations.Interactive.csproj"),
            "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>");
        File.WriteAllText(Path.Combine(failing, "Broken.cs"), "class Broken { int x = }");

        var unreadable = Directory.CreateDirectory(Path.Combine(Folder, "unreadable", "Foundations.Interactive", "bin", "Release", "net10.0")).FullName;
        foreach (var dll in new[] { "Foundations.dll", "Foundations.Engine.dll", "Course.Exercises.dll", "Foundations.Interactive.dll", "MathNet.Numerics.dll", "XPlot.Plotly.dll" })
            File.WriteAllText(Path.Combine(unreadable, dll), "not an assembly");

        var source = Path.Combine(notebooks, "failed-setup.ipynb");
        File.WriteAllText(source, NotebookJson());
        var executed = Path.Combine(Folder, "executed.ipynb");

        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { PipelineSettings.Script, "execute", source, executed })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        Log = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Log += error.Result;
        ExitCode = process.ExitCode;
        Assert.True(File.Exists(executed), $"pipeline.py execute wrote no {executed} (exit code {ExitCode}):\n{Log}");
        Executed = NotebookDocument.Load(executed).CodeCells.ToList();
    }

    public string Folder { get; }
    public int ExitCode { get; }
    public string Log { get; }
    public IReadOnlyList<NotebookCell> Executed { get; }

    /// <summary>Everything code cell <paramref name="number"/> (from 1) showed: streams, values and error messages.</summary>
    public string Output(int number) => string.Join("\n", (Executed[number - 1].Outputs ?? []).OfType<JsonObject>().Select(output =>
        NotebookDocument.Text(output["text"]) + NotebookDocument.Text(output["data"]?["text/plain"]) + NotebookDocument.Text(output["evalue"])));

    /// <summary>The message of the cell's error output, or null when it has none.</summary>
    public string? Error(int number) => (Executed[number - 1].Outputs ?? []).OfType<JsonObject>()
        .Where(output => output["output_type"]?.GetValue<string>() == "error")
        .Select(output => NotebookDocument.Text(output["evalue"])).FirstOrDefault();

    private static string NotebookJson()
    {
        var cells = new JsonArray();
        foreach (var (source, fails) in Cells)
        {
            var tags = fails ? new JsonArray("raises-exception") : [];
            cells.Add(new JsonObject
            {
                ["cell_type"] = "code",
                ["execution_count"] = null,
                ["metadata"] = new JsonObject { ["tags"] = tags },
                ["outputs"] = new JsonArray(),
                ["source"] = source,
            });
        }
        return new JsonObject
        {
            ["cells"] = cells,
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["name"] = PipelineSettings.Kernel, ["display_name"] = ".NET (C#)", ["language"] = "C#" },
                ["language_info"] = new JsonObject { ["name"] = "C#" },
            },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        }.ToJsonString();
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A failed set-up says why in the first cell and what to do in every later one, in the real kernel.</summary>
public sealed class FailedSetupTests(FailedSetupRun run) : IClassFixture<FailedSetupRun>
{
    private const string NotComplete = "The set-up did not complete: run the first cell again after ";

    /// <summary>The next cell says the set-up did not complete, as its error, and shows no compiler error.</summary>
    private void SaysTheSetupDidNotComplete(int cell, string whatToDo)
    {
        Assert.True(run.Error(cell) is not null, $"code cell {cell} ran although the set-up had failed; it showed:\n{run.Output(cell)}");
        Assert.StartsWith(NotComplete + whatToDo, run.Error(cell));
        Assert.DoesNotContain("error CS", run.Output(cell));
    }

    [Fact]
    public void ABuildThatFails_ShowsItsErrorsInTheFirstCell_AndTheNextCellSaysToFixThem()
    {
        var first = run.Output(1);
        Assert.Contains("dotnet build failed (exit code 1)", first);
        Assert.Contains("error CS1525", first);
        Assert.DoesNotContain("error CS0006", first);   // the references after the build are skipped, so the cause is the last thing shown
        SaysTheSetupDidNotComplete(2, "fixing the build error shown under it");
    }

    [Fact]
    public void AMissingLibrary_IsNamedDllByDllWithWhyItCannotBeBuilt()
    {
        var first = run.Output(3);
        Assert.Contains("Missing from ../nowhere/Foundations.Interactive/bin/Release/net10.0: Foundations.dll, Foundations.Engine.dll", first);
        Assert.Contains("There is no ../nowhere/Foundations.Interactive to build them from", first);
        Assert.DoesNotContain("error CS", first);
        SaysTheSetupDidNotComplete(4, "opening this notebook from the notebooks/ folder of a clone of the course");
    }

    [Fact]
    public void AReferenceThatDoesNotLoad_ShowsTheCompilerErrorInTheFirstCellOnly()
    {
        Assert.Contains("error CS0009", run.Output(5));
        SaysTheSetupDidNotComplete(6, "fixing the error shown under it");
    }

    [Fact]
    public void RunningTheFirstCellAgainAfterAFix_LetsTheCellsThroughWithoutARestart()
    {
        SaysTheSetupDidNotComplete(4, "opening");
        Assert.Contains("Library found", run.Output(7));
        Assert.Null(run.Error(8));
        Assert.Contains("tensor([0., 0.])", run.Output(8));
        Assert.True(run.ExitCode == 0, $"pipeline.py execute failed:\n{run.Log}");
    }

    [Fact]
    public void AFailureOnceTheLibraryIsLoaded_SaysToRestartTheKernel() =>
        SaysTheSetupDidNotComplete(10, "restarting the kernel (it keeps the library it has loaded) and opening this notebook");
}
