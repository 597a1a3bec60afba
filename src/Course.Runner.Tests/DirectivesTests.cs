using Course.Runner;

namespace Course.Runner.Tests;

public class DirectivesTests
{
    [Fact]
    public void Split_FindsEachDirectiveAndBlanksItsLine()
    {
        var parts = Directives.Split("#!import setup.dib\n#r \"nuget: XPlot.Plotly, 4.1.0\"\n#r \"../lib/A.dll\"\nvar x = 1;");
        Assert.Equal(
            [new Directive(DirectiveKind.Import, "setup.dib", 1), new Directive(DirectiveKind.NuGet, "XPlot.Plotly, 4.1.0", 2), new Directive(DirectiveKind.Reference, "../lib/A.dll", 3)],
            parts.Directives);
        // Blank lines keep the code's line numbers those of the cell, for compiler messages.
        Assert.Equal("\n\n\nvar x = 1;", parts.Code);
        Assert.True(parts.HasCode);
    }

    [Fact]
    public void Split_ACellOfDirectivesOnlyHasNoCode()
    {
        var parts = Directives.Split("  #!import \"my setup.dib\"  \n");
        Assert.Equal("my setup.dib", Assert.Single(parts.Directives).Argument);
        Assert.False(parts.HasCode);
    }

    [Fact]
    public void Split_AcceptsTheCSharpKernelLine()
    {
        var parts = Directives.Split("#!csharp\n1 + 1");
        Assert.Empty(parts.Directives);
        Assert.Equal("\n1 + 1", parts.Code);
    }

    [Theory]
    [InlineData("var x = 1;\n#!time\nx", "line 2: `#!time` is a .NET Interactive magic command")]
    [InlineData("#!fsharp\nlet x = 1", "line 1: `#!fsharp` is a .NET Interactive magic command")]
    [InlineData("#r System.Xml", "line 1: `#r System.Xml` is not a #r the runner understands")]
    public void Split_RejectsWhatTheRunnerCannotDoNamingTheLine(string source, string message)
    {
        Assert.Contains(message, Assert.Throws<RunnerException>(() => Directives.Split(source)).Message);
    }

    [Fact]
    public void Split_LeavesPreprocessorDirectivesThatAreCSharpAlone()
    {
        var parts = Directives.Split("#region numbers\nvar r = 1;\n#endregion");
        Assert.Empty(parts.Directives);
        Assert.Equal("#region numbers\nvar r = 1;\n#endregion", parts.Code);
    }
}
