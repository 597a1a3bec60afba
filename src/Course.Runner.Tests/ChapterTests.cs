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
        foreach (var path in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(Chapters))]
    public void Chapter_RunsEveryCellFromATerminal(string chapter)
    {
        var notebook = Path.Combine(RepositoryPaths.Root, "notebooks", chapter);
        var charts = Directory.CreateTempSubdirectory("course-runner-chapter-").FullName;
        try
        {
            var output = new StringWriter();
            var result = NotebookRunner.Run(notebook, charts, output);
            Assert.Equal(NotebookFile.ReadCodeCells(notebook).Count, result.Cells);
            Assert.Contains($"── {chapter}, cell {result.Cells} of {result.Cells} ──", output.ToString());
            // Every chapter plots its layers' statistics at least once.
            Assert.True(result.Charts >= 1, $"{chapter} wrote no chart");
            Assert.Equal(result.Charts, Directory.GetFiles(charts, "cell-*.html").Length);
        }
        finally
        {
            Directory.Delete(charts, recursive: true);
        }
    }

    [Fact]
    public void Chapter1_RunsEveryCellAndWritesItsChart()
    {
        var notebook = Path.Combine(RepositoryPaths.Root, "notebooks", "01_neuron.ipynb");
        var charts = Directory.CreateTempSubdirectory("course-runner-chapter-").FullName;
        try
        {
            var output = new StringWriter();
            var result = NotebookRunner.Run(notebook, charts, output);
            var text = output.ToString();

            Assert.Equal(NotebookFile.ReadCodeCells(notebook).Count, result.Cells);
            Assert.Contains($"── 01_neuron.ipynb, cell {result.Cells} of {result.Cells} ──", text);
            Assert.Matches("Library (found|built): \\.\\./src/Foundations.Interactive/bin/Release/net10.0", text);
            Assert.Contains("weighted sum plus bias: 1.73", text);
            Assert.Contains("tensor([[", text);
            Assert.Equal(1, result.Charts);
            Assert.Single(Directory.GetFiles(charts, "cell-*.html"));
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
