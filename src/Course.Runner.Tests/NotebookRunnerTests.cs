using System.Runtime.Loader;
using Course.Runner;

namespace Course.Runner.Tests;

public class NotebookRunnerTests
{
    [Fact]
    public void Run_LaterCellsSeeEarlierOnesAndMayRedeclareThem()
    {
        using var notebook = new TestNotebook(
            "var x = 1;\nConsole.WriteLine($\"x is {x}\");",
            "var x = \"two\";\nrecord Point(int X, int Y);\nvar p = new Point(3, 4);\nx + p.X",
            "(p with { Y = 5 })");
        var (result, output) = notebook.Run();
        Assert.Equal(3, result.Cells);
        Assert.Contains("x is 1\n", output);
        Assert.Contains("two3\n", output);
        // The kernel's plain-text formatter lists an object's properties.
        Assert.Matches(@"cell 3 of 3 ──\nPoint\n\s+X: 3\n\s+Y: 5\n", output);
    }

    [Fact]
    public void Run_MarksEachCellAndShowsOnlyNonVoidFinalExpressions()
    {
        using var notebook = new TestNotebook("Console.WriteLine(\"printed\")", "int n = 6 * 7;", "6 * 7", "(string?)null");
        var (_, output) = notebook.Run();
        Assert.Equal(
            "── sample.ipynb, cell 1 of 4 ──\nprinted\n── sample.ipynb, cell 2 of 4 ──\n── sample.ipynb, cell 3 of 4 ──\n42\n── sample.ipynb, cell 4 of 4 ──\n<null>\n",
            output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Run_ACompileErrorNamesTheNotebookCellFirstLineAndDiagnostic()
    {
        using var notebook = new TestNotebook("var ok = 1;", "// adds one\nvar y = ok + missing;", "Console.WriteLine(\"never\");");
        var (failure, output) = notebook.Fail();
        Assert.Contains("sample.ipynb: cell 2 failed (its first line: // adds one)", failure.Message);
        Assert.Contains("sample.ipynb cell 2 line 2, column 14: error CS0103: The name 'missing' does not exist", failure.Message);
        Assert.DoesNotContain("never", output);
    }

    [Fact]
    public void Run_AFailedCheckStopsTheRunWithTheCheckMessage()
    {
        using var notebook = new TestNotebook(
            TestNotebook.LibraryReferences(),
            "using Foundations;\nCheck.TestClose(1.0, 2.0, what: \"one and two\");",
            "Console.WriteLine(\"never\");");
        var (failure, output) = notebook.Fail();
        Assert.Contains("cell 2 failed (its first line: using Foundations;)", failure.Message);
        Assert.Contains("Foundations.CheckFailedException", failure.Message);
        Assert.Contains("one and two", failure.Message);
        Assert.Contains("sample.ipynb cell 2:line 2", failure.Message);
        Assert.DoesNotContain("Microsoft.CodeAnalysis", failure.Message);
        Assert.DoesNotContain("never", output);
    }

    [Fact]
    public void Run_LibraryAssembliesHaveOneIdentitySoTensorsPrint()
    {
        using var notebook = new TestNotebook(
            TestNotebook.LibraryReferences(),
            "AppDomain.CurrentDomain.GetAssemblies().Count(a => a.GetName().Name == \"Foundations\")",
            "System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(typeof(Foundations.Tensor).Assembly) == System.Runtime.Loader.AssemblyLoadContext.Default",
            "Foundations.Tensor.From(1f, 2f)");
        var (_, output) = notebook.Run();
        Assert.Contains("cell 2 of 4 ──\n1\n", output);
        Assert.Contains("cell 3 of 4 ──\nTrue\n", output);
        Assert.Contains("cell 4 of 4 ──\ntensor([1., 2.])\n", output);
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(typeof(Foundations.Tensor).Assembly));
    }

    [Fact]
    public void Run_WritesEachChartToAnHtmlPageAndPrintsItsPath()
    {
        using var notebook = new TestNotebook(
            TestNotebook.LibraryReferences(),
            "using Foundations.Interactive;\nvar chart = Charts.Bars(\"accuracy\", \"share\", [(\"cat\", 0.5), (\"dog\", 0.75)]);\ndisplay(chart);\nchart");
        var (result, output) = notebook.Run();
        Assert.Equal(2, result.Charts);
        var first = Path.Combine(notebook.Charts, "cell-02.html");
        var second = Path.Combine(notebook.Charts, "cell-02-2.html");
        Assert.Contains($"[chart written to {first}]", output);
        Assert.Contains($"[chart written to {second}]", output);
        var page = File.ReadAllText(first);
        Assert.StartsWith("<!DOCTYPE html>", page);
        Assert.Contains("foundations-plot", page);
        Assert.Contains("\"dog\"", page);
        Assert.True(page.Contains("<script src=", StringComparison.Ordinal) || page.Contains("cdn.plot.ly", StringComparison.Ordinal),
            "the page should load plotly.js, from the local copy or the CDN");
    }

    [Fact]
    public void Run_DisplayShowsAValueNowAndUpdatePrintsTheNewOne()
    {
        using var notebook = new TestNotebook("var progress = display(\"step 0\");\nConsole.WriteLine(\"working\");\nprogress.Update(\"step 1\");");
        var (_, output) = notebook.Run();
        Assert.Contains("step 0\nworking\nstep 1\n", output);
    }

    [Fact]
    public void Run_ImportsADibSectionBySectionFromTheNotebooksFolder()
    {
        using var notebook = new TestNotebook("#!import setup.dib", "Console.WriteLine($\"{greeting}, {Path.GetFileName(Environment.CurrentDirectory)}\");");
        notebook.WriteFile("setup.dib", "#!csharp\n\nusing System.IO;\nvar greeting = \"hello\";\n\n#!csharp\n\ngreeting = greeting.ToUpperInvariant();\n");
        var (_, output) = notebook.Run();
        Assert.Contains($"HELLO, {Path.GetFileName(notebook.Directory)}", output);
    }

    [Fact]
    public void Run_AnErrorInAnImportedSectionNamesTheDibLine()
    {
        using var notebook = new TestNotebook("#!import setup.dib");
        notebook.WriteFile("setup.dib", "#!csharp\n\nvar fine = 1;\n\n#!csharp\n\nvar broken = fine +;\n");
        var failure = notebook.Fail().Failure;
        Assert.Contains("cell 1 failed (its first line: #!import setup.dib)", failure.Message);
        Assert.Contains("setup.dib line 7, column", failure.Message);
    }

    [Fact]
    public void Run_DefinesTerminalRunnerSoCodeCanLeaveOutWhatNeedsTheKernel()
    {
        using var notebook = new TestNotebook("#if TERMINAL_RUNNER\nConsole.WriteLine(\"runner\");\n#else\nConsole.WriteLine(\"kernel\");\n#endif");
        Assert.Contains("cell 1 of 1 ──\nrunner\n", notebook.Run().Output);
    }

    [Fact]
    public void Run_ImportingAnotherKernelsSectionFailsClearly()
    {
        using var notebook = new TestNotebook("#!import other.dib");
        notebook.WriteFile("other.dib", "#!pwsh\n\nGet-ChildItem\n");
        Assert.Contains("#!pwsh section (code from line 3) is for another kernel", notebook.Fail().Failure.Message);
    }

    [Fact]
    public void Run_SkipsTheRunnersOwnPackagesAndRejectsOthers()
    {
        using var notebook = new TestNotebook("#r \"nuget: XPlot.Plotly, 4.1.0\"\n#r \"nuget: MathNet.Numerics, 5.0.0\"\n1");
        Assert.Contains("cell 1 of 1 ──\n1\n", notebook.Run().Output);

        using var other = new TestNotebook("#r \"nuget: Newtonsoft.Json, 13.0.3\"");
        Assert.Contains("sample.ipynb cell 1, line 1: #r \"nuget: Newtonsoft.Json, 13.0.3\": the terminal runner cannot fetch packages", other.Fail().Failure.Message);
    }

    [Fact]
    public void Run_AMissingReferencedFileIsNamed()
    {
        using var notebook = new TestNotebook("#r \"../nowhere/Foundations.dll\"");
        Assert.Contains("#r \"../nowhere/Foundations.dll\": no such file", notebook.Fail().Failure.Message);
    }

    [Fact]
    public void Run_RestoresTheCurrentDirectoryAndConsoleAfterAFailure()
    {
        var directory = Environment.CurrentDirectory;
        var console = Console.Out;
        using var notebook = new TestNotebook("throw new InvalidOperationException(\"boom\");");
        Assert.Contains("it threw System.InvalidOperationException: boom", notebook.Fail().Failure.Message);
        Assert.Equal(directory, Environment.CurrentDirectory);
        Assert.Same(console, Console.Out);
    }

    [Fact]
    public void Run_DisplayAsHtmlFromAStaticMethodPrintsTheTableAsText()
    {
        // Chapter 5 shows its gradient tables this way, from a static local function that cannot reach display().
        using var notebook = new TestNotebook(
            TestNotebook.LibraryReferences(),
            "static void Show(string name) => $\"<table><tr><th>name</th></tr><tr><td>{name}</td></tr></table>\".DisplayAs(\"text/html\");\nShow(\"w1\");",
            "new[] { 1, 2 }.Display();");
        var (_, output) = notebook.Run();
        Assert.Contains("name\n----\nw1\n", output);
        Assert.Contains("cell 3 of 3 ──\n[ 1, 2 ]", output.Replace("[1, 2]", "[ 1, 2 ]"));
    }
}
