using Course.Runner;

namespace Course.Runner.Tests;

/// <summary>The real first chapter, through the runner as a learner runs it from a terminal.</summary>
public class ChapterTests
{
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
            Assert.Matches("Library (found|built): src/Foundations.Interactive/bin/Release/net10.0", text);
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
