namespace Course.Tests;

/// <summary>The comparison of two clients' executions (OutputComparison), on hand-made notebooks.</summary>
public sealed class OutputComparisonTests
{
    private static string Notebook(params string[] cells) => $$"""{"cells": [{{string.Join(",", cells)}}]}""";

    private static string Code(string source, string outputs, string tags = "") =>
        $$"""{"cell_type": "code", "source": "{{source}}", "metadata": {"tags": [{{tags}}]}, "execution_count": 1, "outputs": [{{outputs}}]}""";

    private static string Stream(string text, string name = "stdout") => $$"""{"output_type": "stream", "name": "{{name}}", "text": "{{text}}"}""";

    private static string Display(string html) => $$$"""{"output_type": "display_data", "metadata": {}, "data": {"text/html": "{{{html}}}", "text/plain": "x"}}""";

    [Fact]
    public void StreamMessages_JoinedAndWithCarriageReturnsApplied_AreTheSame()
    {
        // nbclient keeps each message; the front end joins them and applies "\r" as they arrive.
        var pipeline = Notebook(Code("Train()", Stream("epoch 1/2\\r") + "," + Stream("epoch 2/2\\r") + "," + Stream("\\ndone\\n")));
        var live = Notebook(Code("Train()", Stream("epoch 2/2\\ndone\\n")));
        Assert.Empty(OutputComparison.Differences(pipeline, live));
    }

    [Fact]
    public void ADifferentValue_NamesTheCellAndBothOutputs()
    {
        var first = Notebook(Code("#!import setup.dib", Stream("Library found: ../../../../src\\n"), "\"setup\""), Code("Tensor.Randn(2)", Display("tensor([0.1])")));
        var second = Notebook(Code("#!import setup.dib", Stream("Library found: ../src\\n"), "\"setup\""), Code("Tensor.Randn(2)", Display("tensor([0.2])")));
        var difference = Assert.Single(OutputComparison.Differences(first, second));
        Assert.StartsWith("code cell 2 (`Tensor.Randn(2)`)", difference, StringComparison.Ordinal);
        Assert.Contains("tensor([0.1])", difference, StringComparison.Ordinal);
        Assert.Contains("tensor([0.2])", difference, StringComparison.Ordinal);
    }

    [Fact]
    public void TimingCellsAndTheKernelBootstrap_AreLeftOut_AMissingOutputIsNot()
    {
        var bootstrap = Display("<div id='dotnet-interactive-this-cell-1'></div>");
        var first = Notebook(Code("Time()", Stream("2.6 ms\\n"), "\"timing\""), Code("a", bootstrap + "," + Stream("a\\n")), Code("b", Stream("b\\n")));
        var second = Notebook(Code("Time()", Stream("3.1 ms\\n"), "\"timing\""), Code("a", Stream("a\\n")), Code("b", ""));
        Assert.Equal(["code cell 3"], OutputComparison.Differences(first, second).Select(d => d[..11]));
    }

    [Fact]
    public void DifferentSources_AreReportedAsSuch()
    {
        var difference = Assert.Single(OutputComparison.Differences(Notebook(Code("x", "")), Notebook(Code("y", ""))));
        Assert.Contains("different versions", difference, StringComparison.Ordinal);
    }
}
