using System.Text.Json;

namespace Course.Tests;

/// <summary>
/// Where the handouts are and what they should contain: the pipeline (.ci/handouts) writes them to the
/// folders its settings name, and its report lists the chapters in course order.
/// </summary>
public static class HandoutFiles
{
    public const string ChartMarker = "class=\"foundations-chart\"";

    public static string HandoutsDirectory => PipelineSettings.HandoutsDirectory;

    public static string ExecutedDirectory => PipelineSettings.ExecutedDirectory;

    public static string ScreenshotsDirectory => Path.Combine(HandoutsDirectory, "screenshots");

    public static string Index => Path.Combine(HandoutsDirectory, "index.html");

    /// <summary>Stands in for the handout names when there are none, so the theories fail instead of vanishing.</summary>
    public const string Missing = "(no handouts: run .ci/handouts)";

    /// <summary>The handout file names (edition/chapter.html) in course order, as the pipeline's report lists them; <see cref="Missing"/> alone when none were built.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        var names = Directory.Exists(HandoutsDirectory) && File.Exists(PipelineSettings.ReportPath) ? ExpectedNames() : [];
        if (names.Count == 0) data.Add(Missing);
        foreach (var name in names) data.Add(name);
        return data;
    }

    /// <summary>The full path of a handout, failing with instructions when the handouts were not built.</summary>
    public static string Require(string name)
    {
        if (name == Missing || !Directory.Exists(HandoutsDirectory) || !File.Exists(Index))
            Assert.Fail($"No handouts in {HandoutsDirectory}: build them first with .ci/handouts (the test command .ci/test does).");
        var path = Path.Combine(HandoutsDirectory, name);
        Assert.True(File.Exists(path), $"{path} is missing: rebuild the handouts with .ci/handouts.");
        return path;
    }

    /// <summary>The handouts the notebooks should give, edition/chapter.html, in the course order of the pipeline's report.</summary>
    public static IReadOnlyList<string> ExpectedNames() =>
        PipelineReport.Require().Notebooks.Select(n => $"{n.Edition}/{Path.ChangeExtension(n.Name, ".html")}").ToList();

    /// <summary>How many chart outputs the executed notebook behind a handout has; null when it is not there.</summary>
    public static int? ChartOutputsInExecutedNotebook(string handoutName)
    {
        var path = Path.Combine(ExecutedDirectory, Path.ChangeExtension(handoutName, ".ipynb"));
        if (!File.Exists(path)) return null;
        using var notebook = JsonDocument.Parse(File.ReadAllText(path));
        int count = 0;
        foreach (var cell in notebook.RootElement.GetProperty("cells").EnumerateArray())
        {
            if (!cell.TryGetProperty("outputs", out var outputs)) continue;
            foreach (var output in outputs.EnumerateArray())
            {
                if (!output.TryGetProperty("data", out var data) || !data.TryGetProperty("text/html", out var html)) continue;
                var text = html.ValueKind == JsonValueKind.Array
                    ? string.Concat(html.EnumerateArray().Select(line => line.GetString()))
                    : html.GetString() ?? "";
                if (text.Contains(ChartMarker, StringComparison.Ordinal)) count++;
            }
        }
        return count;
    }
}
