using System.Text.Json;
using System.Text.Json.Nodes;

namespace Course.Tests;

/// <summary>
/// The notebook pipeline's constants, read from .ci/pipeline/settings.json, the one place they are
/// defined (pipeline.py reads the same file).
/// </summary>
public static class PipelineSettings
{
    private static readonly Lazy<JsonObject> Settings = new(() =>
        JsonNode.Parse(Repo.Read(".ci", "pipeline", "settings.json"))!.AsObject());

    private static string Text(string name) => Settings.Value[name]!.GetValue<string>();

    public static string Kernel => Text("kernel");
    public static string KernelHttpPortRange => Text("kernelHttpPortRange");
    public static string TimingTag => Settings.Value["tags"]!["timing"]!.GetValue<string>();
    public static string SetupTag => Settings.Value["tags"]!["setup"]!.GetValue<string>();
    public static int Executions => Settings.Value["executionsPerNotebook"]!.GetValue<int>();
    public static string ChromiumPath => Settings.Value["chromium"]!["path"]!.GetValue<string>();
    public static IReadOnlyList<string> ChromiumFlags => Settings.Value["chromium"]!["flags"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();

    /// <summary>Playwright's launch of Debian's Chromium with the pipeline's flags, less --headless, which Playwright adds in its own form.</summary>
    public static Microsoft.Playwright.BrowserTypeLaunchOptions ChromiumLaunch => new()
    {
        ExecutablePath = ChromiumPath,
        Headless = true,
        Args = ChromiumFlags.Where(f => f != "--headless").ToArray(),
    };
    public static string Script => Repo.PathOf(".ci", "pipeline", "pipeline.py");
    public static string BuildDirectory => Repo.PathOf(Text("buildDir"));
    public static string ExecutedDirectory => Path.Combine(BuildDirectory, Text("executedDir"));
    public static string HandoutsDirectory => Path.Combine(BuildDirectory, Text("handoutsDir"));
    public static string ReportPath => Path.Combine(BuildDirectory, Text("report"));
}

/// <summary>One notebook's entry in the pipeline's report.</summary>
public sealed record PipelineNotebook(string Name, string? Error, IReadOnlyList<string> Differences, IReadOnlyList<double> Seconds, int Charts, string? Html, string? Pdf, IReadOnlyList<string> OfflineProblems);

/// <summary>
/// What .ci/pipeline/pipeline.py recorded when it last ran (build/pipeline-report.json): each notebook's
/// executions, their comparison and its handout. The notebook tests read it instead of running the
/// notebooks again.
/// </summary>
public sealed record PipelineReport(bool Ok, string? Error, IReadOnlyList<PipelineNotebook> Notebooks)
{
    private static readonly Lazy<PipelineReport?> Last = new(() => File.Exists(PipelineSettings.ReportPath) ? Parse(File.ReadAllText(PipelineSettings.ReportPath)) : null);

    /// <summary>The report of the last build, failing the calling test with instructions when there is none.</summary>
    public static PipelineReport Require()
    {
        var report = Last.Value;
        Assert.True(report is not null, $"{Path.GetRelativePath(Repo.Root, PipelineSettings.ReportPath)} is missing: run .ci/handouts first (.ci/test does), which executes every notebook and writes it.");
        return report!;
    }

    public PipelineNotebook Of(string notebook)
    {
        var entry = Notebooks.FirstOrDefault(n => n.Name == notebook);
        Assert.True(entry is not null, $"the pipeline's report has no entry for {notebook} (it ran {string.Join(", ", Notebooks.Select(n => n.Name))}): run .ci/handouts again");
        return entry!;
    }

    public static PipelineReport Parse(string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        static IReadOnlyList<string> Strings(JsonNode? node) => node?.AsArray().Select(n => n is JsonObject o ? Difference(o) : n!.GetValue<string>()).ToList() ?? [];
        static string Difference(JsonObject d) =>
            $"code cell {d["cell"]} (`{d["first_line"]?.GetValue<string>()}`):\n{d["diff"]?.GetValue<string>()}";
        var notebooks = root["notebooks"]!.AsArray().Select(n => new PipelineNotebook(
            n!["name"]!.GetValue<string>(),
            n["error"]?.GetValue<string>(),
            Strings(n["differences"]),
            n["seconds"]?.AsArray().Select(s => s!.GetValue<double>()).ToList() ?? [],
            n["charts"]?.GetValue<int>() ?? 0,
            n["html"]?.GetValue<string>(),
            n["pdf"]?.GetValue<string>(),
            Strings(n["offline_problems"]))).ToList();
        return new PipelineReport(root["ok"]!.GetValue<bool>(), root["error"]?.GetValue<string>(), notebooks);
    }
}
