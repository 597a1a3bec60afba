using Course.Runner;

namespace Course.Runner.Tests;

public class DibFileTests
{
    [Fact]
    public void Parse_SplitsAtKernelLinesAndKeepsLineNumbers()
    {
        var sections = DibFile.Parse("#!csharp\n\nint a = 1;\n\n#!markdown\n\nSome prose.\n\n#!csharp\n\na + 1\n");
        Assert.Equal(["csharp", "markdown", "csharp"], sections.Select(s => s.Kernel));
        Assert.Equal("int a = 1;", sections[0].Code);
        Assert.Equal(3, sections[0].FirstLine);
        Assert.Equal("a + 1", sections[2].Code);
        Assert.Equal(11, sections[2].FirstLine);
    }

    [Fact]
    public void Parse_MagicCommandsInsideASectionAreNotSectionBreaks()
    {
        var section = Assert.Single(DibFile.Parse("#!csharp\n#!import other.dib\n#r \"a.dll\"\nvar x = 1;"));
        Assert.Equal("#!import other.dib\n#r \"a.dll\"\nvar x = 1;", section.Code);
    }

    [Fact]
    public void Parse_CodeBeforeTheFirstKernelLineIsCSharp()
    {
        var sections = DibFile.Parse("var x = 1;\r\n#!csharp\r\nx");
        Assert.Equal([("csharp", "var x = 1;", 1), ("csharp", "x", 3)], sections.Select(s => (s.Kernel, s.Code, s.FirstLine)));
    }

    [Fact]
    public void CSharpSections_SkipsMetaAndMarkdownAndRejectsOtherKernels()
    {
        using var folder = new TestNotebook();
        var path = Path.Combine(folder.Directory, "mixed.dib");
        File.WriteAllText(path, "#!meta\n\n{\"kernelInfo\":{}}\n\n#!markdown\n\nHello\n\n#!csharp\n\n1 + 1\n");
        Assert.Equal(["1 + 1"], DibFile.CSharpSections(path).Select(s => s.Code));

        File.WriteAllText(path, "#!csharp\n\n1 + 1\n\n#!fsharp\n\nlet x = 1\n");
        var error = Assert.Throws<RunnerException>(() => DibFile.CSharpSections(path));
        Assert.Contains("#!fsharp section (code from line 7) is for another kernel", error.Message);
    }

    [Fact]
    public void SetupDib_HasTheStateTheGuardTheBuildThenTheLoadSection()
    {
        var sections = DibFile.CSharpSections(Path.Combine(RepositoryPaths.Root, "notebooks", "setup.dib"));
        Assert.Equal(4, sections.Count);
        Assert.Contains("static void SetupFailed(", sections[0].Code);
        Assert.Contains("#if !TERMINAL_RUNNER", sections[1].Code);
        Assert.Contains("AddMiddleware", sections[1].Code);
        Assert.Contains("dotnet build", sections[2].Code);
        Assert.Contains("Notebook.Setup();", sections[3].Code);
        Assert.EndsWith("AppContext.SetData(\"Foundations.Setup\", \"complete\");   // the guard lets every cell through from now on", sections[3].Code);
        Assert.All(Directives.Split(sections[3].Code).Directives, d => Assert.Equal(DirectiveKind.Reference, d.Kind));
    }
}
