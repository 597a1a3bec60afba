namespace Course.Tests;

/// <summary>What headless Chromium saw when it opened one page with the network blocked.</summary>
public sealed record HandoutReport(
    string Path,
    IReadOnlyList<string> ConsoleErrors,
    IReadOnlyList<string> NetworkAttempts,
    int ChartOutputs,
    int DrawnCharts,
    IReadOnlyList<string> ChartNotes,
    int CodeCells,
    int HighlightedCodeCells,
    int ColouredKeywords)
{
    /// <summary>Everything wrong with the page, one line each; empty for a good handout.</summary>
    public IReadOnlyList<string> Problems(int? expectedCharts = null)
    {
        var problems = new List<string>();
        problems.AddRange(ConsoleErrors.Select(e => "console error: " + e));
        problems.AddRange(NetworkAttempts.Select(u => "tried the network: " + u));
        int expected = Math.Max(ChartOutputs, expectedCharts ?? 0);
        if (DrawnCharts < expected) problems.Add($"drew {DrawnCharts} of {expected} charts");
        problems.AddRange(ChartNotes.Select(n => "chart note: " + n));
        if (HighlightedCodeCells < CodeCells) problems.Add($"{CodeCells - HighlightedCodeCells} of {CodeCells} code cells lack C# highlighting");
        if (CodeCells > 0 && ColouredKeywords == 0) problems.Add("no C# keyword is coloured");
        return problems;
    }

    public override string ToString() =>
        $"{System.IO.Path.GetFileName(Path)}: {DrawnCharts}/{ChartOutputs} charts drawn, {HighlightedCodeCells}/{CodeCells} code cells highlighted, "
        + $"{ConsoleErrors.Count} console errors, {NetworkAttempts.Count} network attempts";
}
