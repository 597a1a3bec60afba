using Course.Runner;

namespace Course.Runner.Tests;

public class NotebookFileTests
{
    [Fact]
    public void ReadCodeCells_NumbersCodeCellsOnlyAndJoinsSourceLines()
    {
        using var notebook = new TestNotebook("int a = 1;\nint b = 2;", "a + b");
        var cells = NotebookFile.ReadCodeCells(notebook.Path);
        Assert.Equal([1, 2], cells.Select(c => c.Number));
        Assert.Equal("int a = 1;\nint b = 2;", cells[0].Source);
        Assert.Equal("a + b", cells[1].FirstLine);
    }

    [Fact]
    public void ReadCodeCells_AcceptsSourceAsOneString()
    {
        using var notebook = new TestNotebook();
        File.WriteAllText(notebook.Path, """{"cells":[{"cell_type":"code","metadata":{},"source":"var x = 1;\nx"}]}""");
        Assert.Equal("var x = 1;\nx", Assert.Single(NotebookFile.ReadCodeCells(notebook.Path)).Source);
    }

    [Fact]
    public void ReadCodeCells_RejectsAnotherKernelsCellNamingIt()
    {
        using var notebook = new TestNotebook();
        File.WriteAllText(notebook.Path, """
            {"cells":[{"cell_type":"code","metadata":{},"source":"1"},
                      {"cell_type":"code","metadata":{"polyglot_notebook":{"kernelName":"fsharp"}},"source":"let x = 1"}]}
            """);
        var error = Assert.Throws<RunnerException>(() => NotebookFile.ReadCodeCells(notebook.Path));
        Assert.Contains("cell 2 is a fsharp cell", error.Message);
    }

    [Fact]
    public void ReadCodeCells_SaysWhenTheFileIsNotANotebook()
    {
        using var notebook = new TestNotebook();
        File.WriteAllText(notebook.Path, "not json");
        Assert.Contains("the JSON does not parse", Assert.Throws<RunnerException>(() => NotebookFile.ReadCodeCells(notebook.Path)).Message);
        File.WriteAllText(notebook.Path, """{"metadata":{}}""");
        Assert.Contains("no \"cells\" array", Assert.Throws<RunnerException>(() => NotebookFile.ReadCodeCells(notebook.Path)).Message);
        Assert.Contains("no such notebook", Assert.Throws<RunnerException>(() => NotebookFile.ReadCodeCells(notebook.Path + ".missing")).Message);
    }
}
