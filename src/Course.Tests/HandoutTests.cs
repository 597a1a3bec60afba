using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Foundations.Interactive;
using XPlot.Plotly;

namespace Course.Tests;

/// <summary>
/// Every handout in build/handouts opens from disk in headless Chromium with the network blocked:
/// no console error, no request leaving the machine, every chart drawn, C# code highlighted.
/// Build the handouts first with .ci/handouts; without them these tests fail.
/// </summary>
public sealed partial class HandoutTests(HandoutBrowser browser) : IClassFixture<HandoutBrowser>
{
    /// <summary>Each handout is opened once; the tests below read the same report.</summary>
    private static readonly ConcurrentDictionary<string, Lazy<Task<HandoutReport>>> Reports = new();

    public static TheoryData<string> Handouts => HandoutFiles.Names();

    private Task<HandoutReport> ReportFor(string name)
    {
        var path = HandoutFiles.Require(name);
        var screenshot = Path.Combine(HandoutFiles.ScreenshotsDirectory, Path.ChangeExtension(name, ".png"));
        return Reports.GetOrAdd(path, p => new Lazy<Task<HandoutReport>>(() => browser.CheckAsync(p, screenshot))).Value;
    }

    [Fact]
    public void Handouts_WereBuilt()
    {
        Assert.True(File.Exists(HandoutFiles.Index),
            $"{HandoutFiles.Index} is missing: build the handouts first with .ci/handouts (the test command .ci/test does).");
    }

    [Fact]
    public void Index_LinksEveryChapterInCourseOrder()
    {
        Handouts_WereBuilt();
        var index = File.ReadAllText(HandoutFiles.Index);
        var chapters = ChapterLink().Matches(index).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        Assert.Equal(HandoutFiles.ExpectedNames(), chapters);
        var links = AnyLink().Matches(index).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        Assert.NotEmpty(links);
        foreach (var link in links)
            Assert.True(File.Exists(Path.Combine(HandoutFiles.HandoutsDirectory, link)), $"index.html links to {link}, which does not exist");
    }

    [Theory]
    [MemberData(nameof(Handouts))]
    public async Task Handout_LoadsWithoutConsoleErrors(string name)
    {
        var report = await ReportFor(name);
        Assert.True(report.ConsoleErrors.Count == 0, $"{name}:\n" + string.Join("\n", report.ConsoleErrors));
    }

    [Theory]
    [MemberData(nameof(Handouts))]
    public async Task Handout_MakesNoNetworkRequest(string name)
    {
        var report = await ReportFor(name);
        Assert.True(report.NetworkAttempts.Count == 0, $"{name} tried to load:\n" + string.Join("\n", report.NetworkAttempts));
    }

    [Theory]
    [MemberData(nameof(Handouts))]
    public async Task Handout_DrawsEveryChart(string name)
    {
        var report = await ReportFor(name);
        int expected = Math.Max(report.ChartOutputs, HandoutFiles.ChartOutputsInExecutedNotebook(name) ?? 0);
        Assert.True(report.DrawnCharts >= expected, $"{name}: drew {report.DrawnCharts} of {expected} charts");
        Assert.True(report.ChartNotes.Count == 0, $"{name}: " + string.Join("\n", report.ChartNotes));
    }

    [Theory]
    [MemberData(nameof(Handouts))]
    public async Task Handout_HighlightsCSharpCode(string name)
    {
        var report = await ReportFor(name);
        Assert.True(report.CodeCells > 0, $"{name} has no code cells");
        Assert.Equal(report.CodeCells, report.HighlightedCodeCells);
        Assert.True(report.ColouredKeywords > 0, $"{name}: no C# keyword is coloured");
    }

    [Theory]
    [MemberData(nameof(Handouts))]
    public void Handout_PassesTheBuildersOfflineCheck(string name)
    {
        var (exitCode, output) = RunBuilderCheck(HandoutFiles.Require(name));
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task Checker_FlagsAChartWhosePlotlyIsMissing()
    {
        // A chart output without the first chart's plotly.js: it waits, then turns to the CDN.
        using var page = new HandoutTemporaryPage("missing-plotly", ChartHtml.Render(SampleChart()));
        var report = await browser.CheckAsync(page.Path);

        Assert.Equal(1, report.ChartOutputs);
        Assert.Equal(0, report.DrawnCharts);
        Assert.Contains(report.NetworkAttempts, url => url.Contains(PlotlyScript.Version, StringComparison.Ordinal));
        Assert.NotEmpty(report.ConsoleErrors);
        Assert.NotEmpty(report.ChartNotes);
        Assert.NotEmpty(report.Problems());
        Assert.NotEqual(0, RunBuilderCheck(page.Path).ExitCode);
    }

    [Fact]
    public async Task Checker_AcceptsChartsSharingOnePlotlyUnderRequireJs()
    {
        // require.js's global define would make the plotly bundle register an AMD module instead of window.Plotly;
        // and a notebook front end may run an output's script before the output that carries plotly.js.
        var plotly = PlotlyScript.FindLocal();
        Assert.True(plotly is not null, "plotly.js is not installed: run .ci/setup (npm ci in .ci/npm).");
        var fakeRequireJs = "<script>window.define = function () {}; window.define.amd = {}; window.require = function () {}; window.require.config = function () {};</script>";
        using var page = new HandoutTemporaryPage("shared-plotly",
            fakeRequireJs + ChartHtml.Render(SampleChart()) + ChartHtml.Render(SampleChart(), ChartHtml.InlinePrelude(File.ReadAllText(plotly)))
            + ChartHtml.Render(SampleChart()));
        var report = await browser.CheckAsync(page.Path);

        Assert.Equal(3, report.ChartOutputs);
        Assert.Empty(report.Problems());
        // Raw chart outputs still carry their CDN fallback, which the builder's check refuses: the
        // pipeline removes it when it exports a handout (see Handout_PassesTheBuildersOfflineCheck).
        Assert.NotEqual(0, RunBuilderCheck(page.Path).ExitCode);
    }

    [Fact]
    public void BuildersOfflineCheck_FlagsAStylesheetFromTheNetwork()
    {
        using var page = new HandoutTemporaryPage("remote-css", "<link rel=\"stylesheet\" href=\"https://example.invalid/style.css\">");
        var (exitCode, output) = RunBuilderCheck(page.Path);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("example.invalid", output);
    }

    private static PlotlyChart SampleChart() =>
        Charts.Lines("sample", "x", "y", [("line", [0.0, 1, 2], [1.0, double.NaN, 4])]);

    /// <summary>Runs `pipeline.py check` (the builder's static offline check) on one page.</summary>
    private static (int ExitCode, string Output) RunBuilderCheck(string page)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(PipelineSettings.Script);
        start.ArgumentList.Add("check");
        start.ArgumentList.Add(page);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }

    [GeneratedRegex("<a class=\"(?:learner|instructor)\" href=\"([^\"]+)\"")]
    private static partial Regex ChapterLink();

    [GeneratedRegex("<a [^>]*href=\"([^\"]+)\"")]
    private static partial Regex AnyLink();
}
