namespace Course.Tests;

/// <summary>
/// Every notebook ran top to bottom with the real .NET kernel, twice, with no cell error and with
/// byte-identical outputs outside cells tagged timing. The runs are the pipeline's
/// (.ci/pipeline/pipeline.py, called by .ci/handouts); these tests read its report.
/// </summary>
public sealed class NotebookTests
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
    public void Notebooks_AreAtLeastTheChapterCount()
    {
        var names = Repo.NotebookNames();
        Assert.True(names.Count >= NotebookRules.ChapterCount,
            $"notebooks/ holds {names.Count} notebook(s) ({string.Join(", ", names)}); the course has {NotebookRules.ChapterCount} chapters.");
    }

    [Fact]
    public void Pipeline_RanEveryNotebookInTheFolder()
    {
        var report = PipelineReport.Require();
        Assert.Equal(Repo.NotebookNames(), report.Notebooks.Select(n => n.Name).Order(StringComparer.Ordinal));
        Assert.True(report.Ok, $"the pipeline failed: {report.Error}");
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_RunsWithoutErrors(string notebook)
    {
        Assert.NotEqual(Missing, notebook);
        var entry = PipelineReport.Require().Of(notebook);
        Assert.True(entry.Error is null, $"{notebook} did not run cleanly:\n{entry.Error}");
        Assert.Equal(PipelineSettings.Executions, entry.Seconds.Count);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_GivesTheSameOutputsInEveryExecution(string notebook)
    {
        Assert.NotEqual(Missing, notebook);
        var entry = PipelineReport.Require().Of(notebook);
        Assert.True(entry.Error is null, $"{notebook} did not run cleanly, so its runs were not compared; see Notebook_RunsWithoutErrors.");
        Assert.True(entry.Differences.Count == 0,
            $"{notebook}: {entry.Differences.Count} code cell(s) gave different outputs in two executions. Make them deterministic "
            + $"(seed, stable ordering), or tag the cell \"{PipelineSettings.TimingTag}\" if its output is a time.\n\n"
            + string.Join("\n\n", entry.Differences.Take(5)));
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_ExecutedCopyIsFromThisVersion(string notebook)
    {
        // The executed copy carries the sources it ran; a notebook edited after the build would make the
        // report describe another notebook.
        Assert.NotEqual(Missing, notebook);
        var executedPath = Path.Combine(PipelineSettings.ExecutedDirectory, notebook);
        Assert.True(File.Exists(executedPath), $"{Path.GetRelativePath(Repo.Root, executedPath)} is missing: run .ci/handouts.");
        var sources = NotebookDocument.Load(Path.Combine(Repo.Notebooks, notebook)).CodeCells.Select(c => c.Source);
        var executed = NotebookDocument.Load(executedPath).CodeCells.Select(c => c.Source);
        Assert.True(sources.SequenceEqual(executed), $"{notebook} changed after the pipeline last ran it: run .ci/handouts again.");
    }

    [Fact]
    public void Report_ParsesErrorsAndDifferences()
    {
        const string json = """
            {"ok": false, "error": "problems in 01_a.ipynb", "notebooks": [
              {"name": "01_a.ipynb", "error": null, "seconds": [3.1, 2.9], "charts": 2, "html": "01_a.html", "pdf": null,
               "offline_problems": [], "differences": [{"cell": 4, "first_line": "Tensor.Randn(2)", "diff": "-0.1\n+0.2"}]},
              {"name": "02_b.ipynb", "error": "02_b.ipynb: code cell 3 (`Check.That(false)`) failed", "seconds": [1.0],
               "charts": 0, "html": null, "pdf": null, "offline_problems": [], "differences": []}]}
            """;
        var report = PipelineReport.Parse(json);
        Assert.False(report.Ok);
        var first = report.Of("01_a.ipynb");
        Assert.Null(first.Error);
        Assert.Equal([3.1, 2.9], first.Seconds);
        Assert.Contains("code cell 4 (`Tensor.Randn(2)`)", Assert.Single(first.Differences), StringComparison.Ordinal);
        Assert.Contains("code cell 3", report.Of("02_b.ipynb").Error, StringComparison.Ordinal);
    }
}
