namespace Course.Tests;

/// <summary>
/// Both editions of every notebook ran top to bottom with the real .NET kernel with no cell error. The
/// runs are the pipeline's (.ci/pipeline/pipeline.py, called by .ci/handouts); these tests read its
/// report. That the instructor's edition gives the same outputs in a second execution is checked
/// against the live front end's run of it (LiveJupyterTests.Notebook_GivesTheSameOutputsInEveryExecution).
/// </summary>
public sealed class NotebookTests
{
    /// <summary>Stands in for the notebook names when notebooks/ has none, so the theories fail instead of vanishing.</summary>
    public const string Missing = "(no notebooks in notebooks/)";

    /// <summary>The notebook <paramref name="notebook"/> from notebooks/, failing on the <see cref="Missing"/> stand-in.</summary>
    internal static NotebookDocument Load(string notebook)
    {
        Assert.NotEqual(Missing, notebook);
        return NotebookDocument.Load(Path.Combine(Repo.Notebooks, notebook));
    }

    /// <summary>Fails with every problem a notebook rule found, one per line.</summary>
    internal static void NoProblems(IReadOnlyList<string> problems, string notebook, string rule) =>
        Assert.True(problems.Count == 0, $"{notebook}: {rule}:\n - " + string.Join("\n - ", problems));

    /// <summary>Each notebook with each edition.</summary>
    public static TheoryData<string, string> NotebookEditions()
    {
        var data = new TheoryData<string, string>();
        var names = Repo.NotebookNames();
        if (names.Count == 0) data.Add(Missing, PipelineSettings.Instructor);
        foreach (var name in names)
            foreach (var edition in PipelineSettings.Editions)
                data.Add(name, edition);
        return data;
    }

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
        foreach (var edition in PipelineSettings.Editions)
            Assert.Equal(Repo.NotebookNames(), report.Notebooks.Where(n => n.Edition == edition).Select(n => n.Name).Order(StringComparer.Ordinal));
        Assert.True(report.Ok, $"the pipeline failed: {report.Error}");
    }

    [Theory]
    [MemberData(nameof(NotebookEditions))]
    public void Notebook_RunsWithoutErrors(string notebook, string edition)
    {
        Assert.NotEqual(Missing, notebook);
        var entry = PipelineReport.Require().Of(notebook, edition);
        Assert.True(entry.Error is null, $"the {edition}'s edition of {notebook} did not run cleanly:\n{entry.Error}");
        Assert.Equal(PipelineSettings.ExecutionsOf(edition), entry.Seconds.Count);
    }

    [Theory]
    [MemberData(nameof(NotebookEditions))]
    public void Notebook_ExecutedCopyIsFromThisVersion(string notebook, string edition)
    {
        // The executed copy carries the sources it ran; a notebook edited after the build would make the
        // report describe another notebook. Each edition leaves out one kind of tagged cell.
        Assert.NotEqual(Missing, notebook);
        var executedPath = Path.Combine(PipelineSettings.ExecutedDirectory, edition, notebook);
        Assert.True(File.Exists(executedPath), $"{Path.GetRelativePath(Repo.Root, executedPath)} is missing: run .ci/handouts.");
        var left = edition == PipelineSettings.Learner ? ExerciseRules.SolutionTag : ExerciseRules.ExerciseTag;
        var sources = NotebookDocument.Load(Path.Combine(Repo.Notebooks, notebook)).CodeCells.Where(c => !c.Tags.Contains(left)).Select(c => c.Source);
        var executed = NotebookDocument.Load(executedPath).CodeCells.Select(c => c.Source);
        Assert.True(sources.SequenceEqual(executed), $"{notebook} changed after the pipeline last ran it (or its {edition}'s edition is not the notebook without the cells tagged {left}): run .ci/handouts again.");
    }

    [Fact]
    public void Report_ParsesErrorsAndDifferences()
    {
        const string json = """
            {"ok": false, "error": "problems in 01_a.ipynb", "notebooks": [
              {"name": "01_a.ipynb", "edition": "instructor", "error": null, "seconds": [3.1, 2.9], "charts": 2, "html": "instructor/01_a.html", "pdf": null,
               "offline_problems": [], "differences": [{"cell": 4, "first_line": "Tensor.Randn(2)", "diff": "-0.1\n+0.2"}],
               "exercises": [{"cell": 9, "exercise": "1.1", "status": "correct"}, {"cell": 12, "exercise": null, "status": null}], "exercise_problems": ["code cell 12: no exercise result in its output"]},
              {"name": "02_b.ipynb", "edition": "instructor", "error": "02_b.ipynb: code cell 3 (`Check.That(false)`) failed", "seconds": [1.0],
               "charts": 0, "html": null, "pdf": null, "offline_problems": [], "differences": []}]}
            """;
        var report = PipelineReport.Parse(json);
        Assert.False(report.Ok);
        var first = report.Of("01_a.ipynb");
        Assert.Null(first.Error);
        Assert.Equal([3.1, 2.9], first.Seconds);
        Assert.Contains("code cell 4 (`Tensor.Randn(2)`)", Assert.Single(first.Differences), StringComparison.Ordinal);
        Assert.Contains("code cell 3", report.Of("02_b.ipynb").Error, StringComparison.Ordinal);
        Assert.Equal([new ExerciseCheck(9, "1.1", "correct"), new ExerciseCheck(12, null, null)], first.Exercises);
        Assert.Contains("code cell 12", Assert.Single(first.ExerciseProblems), StringComparison.Ordinal);
        Assert.Empty(report.Of("02_b.ipynb").Exercises);
    }
}
