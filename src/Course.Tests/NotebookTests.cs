using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Course.Tests;

/// <summary>
/// Notebook executions load two cores fully, so this collection runs alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NotebookExecutionCollection
{
    public const string Name = "Notebook executions, one at a time";
}

/// <summary>Runs each notebook once per test run (both tests of a notebook share it) in a temporary folder.</summary>
public sealed class NotebookExecutions : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<NotebookExecution>> runs = new();
    private bool keep;

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"course-notebook-tests-{Environment.ProcessId}");

    public NotebookExecution Of(string notebook) =>
        runs.GetOrAdd(notebook, name => new Lazy<NotebookExecution>(() => NotebookRunner.Execute(Path.Combine(Repo.Notebooks, name), Folder))).Value;

    /// <summary>Keeps the executed copies after the run, for a failure message to point at.</summary>
    public void Keep() => keep = true;

    public void Dispose()
    {
        if (!keep && Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>
/// Every notebook runs top to bottom with the real .NET kernel through Jupyter (as nbconvert runs it for
/// a student's Jupyter), with no cell error: a failing Check.* in a notebook throws CheckFailedException,
/// which fails its test. Then its outputs must equal those of the first execution in build/executed/
/// (made by .ci/handouts), cell for cell, apart from cells tagged "timing".
/// </summary>
[Collection(NotebookExecutionCollection.Name)]
public sealed class NotebookTests(NotebookExecutions executions) : IClassFixture<NotebookExecutions>
{
    /// <summary>Stands in for the notebook names when notebooks/ has none, so the theories fail instead of vanishing.</summary>
    public const string Missing = "(no notebooks in notebooks/)";

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        var names = Repo.NotebookNames();
        if (names.Count == 0) data.Add(Missing);
        foreach (var name in names) data.Add(name);
        return data;
    }

    [Fact]
    public void Notebooks_AreAtLeastSix()
    {
        var names = Repo.NotebookNames();
        Assert.True(names.Count >= NotebookRules.ChapterCount,
            $"notebooks/ holds {names.Count} notebook(s) ({string.Join(", ", names)}); the course has {NotebookRules.ChapterCount} chapters.");
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_RunsWithoutErrors(string notebook)
    {
        Assert.NotEqual(Missing, notebook);
        var run = executions.Of(notebook);
        var problems = run.Problems();
        if (problems.Count > 0) executions.Keep();
        Assert.True(problems.Count == 0,
            $"{notebook} did not run cleanly ({run.Elapsed.TotalSeconds:0} s; executed copy kept in {executions.Folder}):\n\n"
            + string.Join("\n\n", problems));
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_OutputsMatchTheFirstExecution(string notebook)
    {
        Assert.NotEqual(Missing, notebook);
        var firstPath = Path.Combine(Repo.Executed, notebook);
        Assert.True(File.Exists(firstPath),
            $"{Path.GetRelativePath(Repo.Root, firstPath)} is missing: run .ci/handouts first (.ci/test does), which executes every notebook into build/executed/.");
        var run = executions.Of(notebook);
        Assert.True(run.Result is not null && run.Problems().Count == 0,
            $"{notebook} did not run cleanly this time, so there is nothing to compare; see Notebook_RunsWithoutErrors.");

        var differences = NotebookComparison.Compare(NotebookDocument.Load(Path.Combine(Repo.Notebooks, notebook)), NotebookDocument.Load(firstPath), run.Result!);
        if (differences.Count > 0) executions.Keep();
        Assert.True(differences.Count == 0,
            $"{notebook}: {differences.Count} code cell(s) gave different outputs in two executions. Make them deterministic "
            + $"(seed, stable ordering), or tag the cell \"{NotebookComparison.TimingTag}\" if its output is a time. "
            + $"Second execution kept in {executions.Folder}.\n\n"
            + string.Join("\n\n", differences.Take(5))
            + (differences.Count > 5 ? $"\n\n... and {differences.Count - 5} more cell(s)" : ""));
    }
}

/// <summary>The runner itself, on a throwaway notebook whose check fails: the failure must reach the test with its cell.</summary>
[Collection(NotebookExecutionCollection.Name)]
public sealed class NotebookRunnerTests
{
    [Fact]
    public void Execute_ReportsAFailingCheckWithItsCellAndError()
    {
        // Inside the repository (build/ is ignored by git), so the kernel finds the pinned tool manifest.
        var folder = Repo.PathOf("build", "course-tests", $"runner-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        try
        {
            var dll = Path.GetRelativePath(folder, Repo.PathOf("src", "Foundations.Interactive", "bin", "Release", "net10.0", "Foundations.dll")).Replace('\\', '/');
            var notebook = NotebookSamples.Good(root =>
            {
                var cells = NotebookSamples.Cells(root);
                cells.Clear();
                cells.Add(NotebookSamples.Code("a", "Console.WriteLine(\"before the check\");"));
                cells.Add(NotebookSamples.Code("b", $"#r \"{dll}\"\nFoundations.Check.TestClose(1.0, 2.0, what: \"a deliberately wrong value\");"));
            });
            var path = Path.Combine(folder, "selfcheck.ipynb");
            File.WriteAllText(path, notebook.Root.ToJsonString());

            var run = NotebookRunner.Execute(path, Path.Combine(folder, "out"));
            var report = string.Join("\n\n", run.Problems());

            Assert.NotNull(run.Result);
            Assert.Single(NotebookRunner.CellErrors(run.Result));
            Assert.Contains("cell 1 (id b) failed", report, StringComparison.Ordinal);
            Assert.Contains("Foundations.Check.TestClose(1.0, 2.0", report, StringComparison.Ordinal);
            Assert.Contains("CheckFailedException", report, StringComparison.Ordinal);
            Assert.Contains("a deliberately wrong value", report, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
            var parent = Path.GetDirectoryName(folder)!;
            if (Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any()) Directory.Delete(parent);
        }
    }
}

/// <summary>The comparison and error reporting on hand-made outputs: each must be able to fail.</summary>
public sealed class NotebookComparisonTests
{
    private static readonly JsonObject Table = NotebookSamples.Result(3, "text/plain", "tensor([[0.1, 0.2]])");

    [Fact]
    public void Compare_AcceptsIdenticalOutputs()
    {
        var first = NotebookSamples.Executed(("c3", [Table]));
        var second = NotebookSamples.Executed(("c3", [Table]));
        Assert.Empty(NotebookComparison.Compare(NotebookSamples.Good(), first, second));
    }

    [Fact]
    public void Compare_NamesTheCellAndShowsTheDifference()
    {
        var first = NotebookSamples.Executed(("c3", [Table]));
        var second = NotebookSamples.Executed(("c3", [NotebookSamples.Result(3, "text/plain", "tensor([[0.1, 0.3]])")]));
        var difference = Assert.Single(NotebookComparison.Compare(NotebookSamples.Good(), first, second));
        Assert.Contains("cell 3 (id c3)", difference.Cell, StringComparison.Ordinal);
        Assert.Contains("tensor([[0.1, 0.2]])", difference.Excerpt, StringComparison.Ordinal);
        Assert.Contains("tensor([[0.1, 0.3]])", difference.Excerpt, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_FindsAMissingOutputAndADifferentExecutionCount()
    {
        var first = NotebookSamples.Executed(("c3", [Table]), ("c5", [NotebookSamples.Result(5, "text/plain", "chart")]));
        var second = NotebookSamples.Executed(("c3", []), ("c5", [NotebookSamples.Result(6, "text/plain", "chart")]));
        var cells = NotebookComparison.Compare(NotebookSamples.Good(), first, second).Select(d => d.Cell).ToList();
        Assert.Equal(2, cells.Count);
        Assert.Contains("id c3", cells[0], StringComparison.Ordinal);
        Assert.Contains("id c5", cells[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_IgnoresOnlyCellsTaggedTiming()
    {
        var first = NotebookSamples.Executed(("c4", [NotebookSamples.Result(4, "text/plain", "2.61 ms")]));
        var second = NotebookSamples.Executed(("c4", [NotebookSamples.Result(4, "text/plain", "3.05 ms")]));
        Assert.Empty(NotebookComparison.Compare(NotebookSamples.Good(), first, second));

        var untagged = NotebookSamples.Good(root => NotebookSamples.Cells(root)[4]!["metadata"]!.AsObject().Remove("tags"));
        Assert.Single(NotebookComparison.Compare(untagged, first, second));
    }

    [Fact]
    public void Compare_IgnoresTheKernelBootstrapAndChartIdsButNotChartData()
    {
        static JsonObject Bootstrap(int port) => NotebookSamples.Display("text/html",
            $"<div id='dotnet-interactive-this-cell-1'></div><script>probeAddresses([\"http://127.0.0.1:{port}/\"])</script>");
        static JsonObject Chart(string id, string data) => NotebookSamples.Display("text/html",
            $"<div id=\"foundations-chart-{id}\"></div><script>var id = \"foundations-chart-{id}\"; var data = {data};</script>");
        var first = NotebookSamples.Executed(("c1", [Bootstrap(2048), NotebookSamples.Stream("stdout", "Library found")]),
            ("c5", [Chart("8b13bacc300344d5a6406f81ec19d3cd", "[1,2]")]));
        var second = NotebookSamples.Executed(("c1", [Bootstrap(2051), NotebookSamples.Stream("stdout", "Library found")]),
            ("c5", [Chart("08e548dac2c14649bcfe82bfc4009974", "[1,2]")]));
        Assert.Empty(NotebookComparison.Compare(NotebookSamples.Good(), first, second));

        var otherData = NotebookSamples.Executed(("c1", [Bootstrap(2051), NotebookSamples.Stream("stdout", "Library found")]),
            ("c5", [Chart("08e548dac2c14649bcfe82bfc4009974", "[1,3]")]));
        var difference = Assert.Single(NotebookComparison.Compare(NotebookSamples.Good(), first, otherData));
        Assert.Contains("id c5", difference.Cell, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_JoinsStreamChunksButSeesDifferentText()
    {
        var first = NotebookSamples.Executed(("c3", [NotebookSamples.Stream("stdout", "a\n"), NotebookSamples.Stream("stdout", "b\n")]));
        var second = NotebookSamples.Executed(("c3", [NotebookSamples.Stream("stdout", "a\nb\n")]));
        Assert.Empty(NotebookComparison.Compare(NotebookSamples.Good(), first, second));

        var other = NotebookSamples.Executed(("c3", [NotebookSamples.Stream("stdout", "a\nc\n")]));
        Assert.Single(NotebookComparison.Compare(NotebookSamples.Good(), first, other));
        var stderr = NotebookSamples.Executed(("c3", [NotebookSamples.Stream("stdout", "a\n"), NotebookSamples.Stream("stderr", "b\n")]));
        Assert.Single(NotebookComparison.Compare(NotebookSamples.Good(), first, stderr));
    }

    [Fact]
    public void Compare_ReportsExecutionsOfAnotherVersionOfTheNotebook()
    {
        var edited = NotebookSamples.Good(root => NotebookSamples.SetSource(root, "c3", "var x = Tensor.Randn(4, 4);"));
        var difference = Assert.Single(NotebookComparison.Compare(edited, NotebookSamples.Executed(), NotebookSamples.Executed()));
        Assert.Contains("run .ci/handouts again", difference.Excerpt, StringComparison.Ordinal);
    }

    [Fact]
    public void CellErrors_ShowTheSourceTheErrorAndTheStderrOfTheFailingCell()
    {
        var executed = NotebookSamples.Executed(
            ("c1", [NotebookSamples.Stream("stdout", "Library found")]),
            ("c3", [NotebookSamples.Stream("stderr", "(2,1): error CS0103: The name 'Chekc' does not exist"), NotebookSamples.Error("Error", "compilation error")]));
        var error = Assert.Single(NotebookRunner.CellErrors(executed));
        Assert.Contains("cell 3 (id c3) failed", error, StringComparison.Ordinal);
        Assert.Contains("var x = Tensor.Randn(3, 4);", error, StringComparison.Ordinal);
        Assert.Contains("Error: compilation error", error, StringComparison.Ordinal);
        Assert.Contains("error CS0103", error, StringComparison.Ordinal);
        Assert.Empty(NotebookRunner.CellErrors(NotebookSamples.Executed(("c1", [NotebookSamples.Stream("stderr", "a warning")]))));
    }

    [Fact]
    public void LostPortRace_OnlyWhenTheKernelDiedOverATakenPortBeforeWritingAnything()
    {
        const string log = "System.Net.Sockets.SocketException ... AddressInUseException\nKernel died before replying to kernel_info";
        Assert.True(NotebookRunner.LostPortRace(new NotebookExecution("a.ipynb", 1, false, log, null, TimeSpan.Zero)));
        Assert.False(NotebookRunner.LostPortRace(new NotebookExecution("a.ipynb", 1, false, "Kernel died before replying to kernel_info", null, TimeSpan.Zero)));
        Assert.False(NotebookRunner.LostPortRace(new NotebookExecution("a.ipynb", 0, false, log, NotebookSamples.Executed(), TimeSpan.Zero)));
    }

    [Fact]
    public void Problems_ReportAnExecutionThatWroteNoNotebook()
    {
        var run = new NotebookExecution("01_sample.ipynb", 1, false, "Kernel died before replying to kernel_info", null, TimeSpan.FromSeconds(5));
        var problems = run.Problems();
        Assert.Contains(problems, p => p.Contains("exited with code 1 and wrote no notebook", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Kernel died", StringComparison.Ordinal));
        Assert.Empty(new NotebookExecution("01_sample.ipynb", 0, false, "log", NotebookSamples.Executed(), TimeSpan.Zero).Problems());
    }
}
