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
    public static string Tag(string name) => Settings.Value["tags"]![name]!.GetValue<string>();

    /// <summary>How often the instructor's edition of each notebook runs (its runs are compared).</summary>
    public static int Executions => Settings.Value["executionsPerNotebook"]!.GetValue<int>();

    /// <summary>How often the learner's edition of each notebook runs.</summary>
    public static int LearnerExecutions => Settings.Value["learnerExecutions"]!.GetValue<int>();

    public const string Learner = "learner";
    public const string Instructor = "instructor";

    /// <summary>The editions every notebook is built in, as the pipeline names them.</summary>
    public static IReadOnlyList<string> Editions => Settings.Value["editions"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();

    /// <summary>The executions an edition gets.</summary>
    public static int ExecutionsOf(string edition) => edition == Instructor ? Executions : LearnerExecutions;
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
    public static string EditionsDirectory => Path.Combine(BuildDirectory, Text("editionsDir"));
    public static string HandoutsDirectory => Path.Combine(BuildDirectory, Text("handoutsDir"));
    public static string ReportPath => Path.Combine(BuildDirectory, Text("report"));
}

/// <summary>What one check cell said when its edition ran: the exercise's number and status ("correct", "not attempted yet", "not right yet"), null when it said neither.</summary>
public sealed record ExerciseCheck(int Cell, string? Exercise, string? Status);

/// <summary>One edition of one notebook in the pipeline's report; Html and Pdf are relative to the handouts folder.</summary>
public sealed record PipelineNotebook(string Name, string Edition, string? Error, IReadOnlyList<string> Differences, IReadOnlyList<double> Seconds, int Charts,
    string? Html, string? Pdf, IReadOnlyList<string> OfflineProblems, IReadOnlyList<ExerciseCheck> Exercises, IReadOnlyList<string> ExerciseProblems);

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

    /// <summary>The entry of one edition of a notebook (the instructor's, the fuller one, unless asked).</summary>
    public PipelineNotebook Of(string notebook, string edition = PipelineSettings.Instructor)
    {
        var entry = Notebooks.FirstOrDefault(n => n.Name == notebook && n.Edition == edition);
        Assert.True(entry is not null, $"the pipeline's report has no entry for the {edition}'s edition of {notebook} (it ran "
            + $"{string.Join(", ", Notebooks.Select(n => $"{n.Name} ({n.Edition})"))}): run .ci/handouts again");
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
            n["edition"]?.GetValue<string>() ?? "(none)",
            n["error"]?.GetValue<string>(),
            Strings(n["differences"]),
            n["seconds"]?.AsArray().Select(s => s!.GetValue<double>()).ToList() ?? [],
            n["charts"]?.GetValue<int>() ?? 0,
            n["html"]?.GetValue<string>(),
            n["pdf"]?.GetValue<string>(),
            Strings(n["offline_problems"]),
            n["exercises"]?.AsArray().Select(e => new ExerciseCheck(e!["cell"]!.GetValue<int>(), e["exercise"]?.GetValue<string>(), e["status"]?.GetValue<string>())).ToList() ?? [],
            Strings(n["exercise_problems"]))).ToList();
        return new PipelineReport(root["ok"]!.GetValue<bool>(), root["error"]?.GetValue<string>(), notebooks);
    }
}
