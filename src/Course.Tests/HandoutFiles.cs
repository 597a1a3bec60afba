using System.Text.Json;
using System.Text.RegularExpressions;

namespace Course.Tests;

/// <summary>
/// Where the handouts are and what they should contain. <c>.ci/handouts</c> writes them to
/// build/handouts from notebooks/; HANDOUTS_BUILD_DIR and HANDOUTS_NOTEBOOKS_DIR point elsewhere.
/// </summary>
public static partial class HandoutFiles
{
    public const string ChartMarker = "class=\"foundations-chart\"";

    public static string Repository { get; } = FindRepository();

    public static string BuildDirectory =>
        Environment.GetEnvironmentVariable("HANDOUTS_BUILD_DIR") is { Length: > 0 } dir ? Path.GetFullPath(dir) : Path.Combine(Repository, "build");

    public static string NotebooksDirectory =>
        Environment.GetEnvironmentVariable("HANDOUTS_NOTEBOOKS_DIR") is { Length: > 0 } dir ? Path.GetFullPath(dir) : Path.Combine(Repository, "notebooks");

    public static string HandoutsDirectory => Path.Combine(BuildDirectory, "handouts");

    public static string ExecutedDirectory => Path.Combine(BuildDirectory, "executed");

    public static string ScreenshotsDirectory => Path.Combine(HandoutsDirectory, "screenshots");

    public static string Index => Path.Combine(HandoutsDirectory, "index.html");

    public static string Builder => Path.Combine(Repository, ".ci", "handouts_lib", "handouts.py");

    /// <summary>Stands in for the handout names when there are none, so the theories fail instead of vanishing.</summary>
    public const string Missing = "(no handouts: run .ci/handouts)";

    /// <summary>The handout file names (chapter.html), in course order; <see cref="Missing"/> alone when none were built.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        var names = Directory.Exists(HandoutsDirectory)
            ? InCourseOrder(Directory.GetFiles(HandoutsDirectory, "*.html").Select(Path.GetFileName).OfType<string>()
                .Where(n => n != "index.html"))
            : [];
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

    /// <summary>The handout names the notebooks should give, in course order.</summary>
    public static IReadOnlyList<string> ExpectedNames() =>
        InCourseOrder(Directory.GetFiles(NotebooksDirectory, "*.ipynb").Select(Path.GetFileName).OfType<string>()
            .Where(n => !n.StartsWith('.')))
        .Select(n => Path.ChangeExtension(n, ".html")).ToList();

    /// <summary>By name with numbers compared as numbers (2 before 10), as the builder orders them.</summary>
    public static List<string> InCourseOrder(IEnumerable<string> names) =>
        names.OrderBy(n => NumberPadded().Replace(n, m => m.Value.PadLeft(12, '0')), StringComparer.Ordinal).ToList();

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

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Foundations.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"No Foundations.slnx above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"\d+")]
    private static partial Regex NumberPadded();
}
