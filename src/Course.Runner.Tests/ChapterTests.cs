using Course.Runner;

namespace Course.Runner.Tests;

/// <summary>
/// The real chapters, through the runner as a learner runs them from a terminal with only the .NET SDK.
/// A chapter run changes the process's current folder, so these run alone, after the other tests.
/// </summary>
[Collection(ChapterCollection.Name)]
public class ChapterTests
{
    public static TheoryData<string> Chapters()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "notebooks", "instructor"), "*.ipynb").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(path));
        return data;
    }

    /// <summary>
    /// One run of each chapter through the runner, made the first time a test asks for it: both tests
    /// below read chapter 1's run, so the runner runs every chapter once.
    /// </summary>
    private static readonly Dictionary<string, Lazy<ChapterRun>> Runs = new();

    private static ChapterRun RunOf(string chapter)
    {
        Lazy<ChapterRun> run;
        lock (Runs)
        {
            if (!Runs.TryGetValue(chapter, out run!))
                Runs[chapter] = run = new Lazy<ChapterRun>(() => ChapterRun.Of(chapter));
        }
        return run.Value;
    }

    [Theory]
    [MemberData(nameof(Chapters))]
    public void Chapter_RunsEveryCellFromATerminal(string chapter)
    {
        var run = RunOf(chapter);
        Assert.Equal(run.CodeCells, run.Result.Cells);
        Assert.Contains($"── {chapter}, cell {run.Result.Cells} of {run.Result.Cells} ──", run.Output);
        // Every chapter plots its layers' statistics at least once.
        Assert.True(run.Result.Charts >= 1, $"{chapter} wrote no chart");
        Assert.Equal(run.Result.Charts, run.ChartFiles);
    }

    [Fact]
    public void Chapter1_RunsEveryCellAndWritesItsChart()
    {
        var run = RunOf("01_neuron.ipynb");
        Assert.Equal(run.CodeCells, run.Result.Cells);
        Assert.Contains($"── 01_neuron.ipynb, cell {run.Result.Cells} of {run.Result.Cells} ──", run.Output);
        Assert.Matches("Library (found|built): (\\.\\./)+src/Foundations.Interactive/bin/Release/net10.0", run.Output);
        Assert.Contains("weighted sum plus bias: 1.73", run.Output);
        Assert.Contains("tensor([[", run.Output);
        Assert.Equal(1, run.Result.Charts);
        Assert.Equal(1, run.ChartFiles);
    }
}

/// <summary>What one run of a chapter through the runner printed and wrote (its chart files counted, then deleted).</summary>
public sealed record ChapterRun(NotebookResult Result, string Output, int CodeCells, int ChartFiles)
{
    public static ChapterRun Of(string chapter)
    {
        var notebook = Path.Combine(RepositoryPaths.Root, "notebooks", "instructor", chapter);
        var charts = Directory.CreateTempSubdirectory("course-runner-chapter-").FullName;
        try
        {
            var output = new StringWriter();
            var result = NotebookRunner.Run(notebook, charts, output);
            return new ChapterRun(result, output.ToString(), NotebookFile.ReadCodeCells(notebook).Count, Directory.GetFiles(charts, "cell-*.html").Length);
        }
        finally
        {
            Directory.Delete(charts, recursive: true);
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChapterCollection
{
    public const string Name = "Chapters through the terminal runner, one at a time";
}
