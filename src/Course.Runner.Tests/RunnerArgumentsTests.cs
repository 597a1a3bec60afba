using Course.Runner;

namespace Course.Runner.Tests;

public class RunnerArgumentsTests
{
    [Fact]
    public void Parse_AllRunsTheChaptersInOrderWithChartsUnderBuild()
    {
        var arguments = RunnerArguments.Parse(["--all"], RepositoryPaths.Root);
        Assert.Equal(
            Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "notebooks"), "*.ipynb").Select(Path.GetFileName).Order(StringComparer.Ordinal),
            arguments.Notebooks.Select(Path.GetFileName));
        Assert.StartsWith("01_", Path.GetFileName(arguments.Notebooks[0]));
        Assert.Equal(Path.Combine(RepositoryPaths.Root, "build", "terminal", "01_neuron"), arguments.ChartDirectory(arguments.Notebooks[0]));
    }

    [Fact]
    public void Parse_OutNamesTheChartFolderRelativeToWhereTheRunnerStarts()
    {
        var arguments = RunnerArguments.Parse(["notebooks/01_neuron.ipynb", "--out", "charts"], RepositoryPaths.Root);
        Assert.Equal(["notebooks/01_neuron.ipynb"], arguments.Notebooks);
        Assert.Equal(Path.Combine(RepositoryPaths.Root, "charts", "01_neuron"), arguments.ChartDirectory("notebooks/01_neuron.ipynb"));
    }

    [Theory]
    [InlineData(new string[0], "no notebook given")]
    [InlineData(new[] { "--fast" }, "unknown option --fast")]
    [InlineData(new[] { "--out" }, "--out needs a folder")]
    [InlineData(new[] { "--all", "notebooks/01_neuron.ipynb" }, "not both")]
    [InlineData(new[] { "notebooks/99_missing.ipynb" }, "notebooks/99_missing.ipynb: no such notebook")]
    [InlineData(new[] { "README.md" }, "README.md: not a notebook")]
    public void Parse_RejectsBadCommandLinesSayingWhy(string[] args, string message)
    {
        Assert.Contains(message, Assert.Throws<RunnerException>(() => RunnerArguments.Parse(args, RepositoryPaths.Root)).Message);
    }
}
