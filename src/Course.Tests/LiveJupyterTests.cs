using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Playwright;

namespace Course.Tests;

/// <summary>
/// A live Jupyter front end, as a learner uses one: Debian's classic Jupyter Notebook server on
/// 127.0.0.1 with the registered .NET (C#) kernel, driven by Playwright in Debian's Chromium. It serves
/// the pipeline's instructor's edition of every chapter (build/editions/instructor/, the fuller one:
/// every solution in place) in a copy of notebooks/ (its setup.dib and other files) beside links to
/// src/ and data/ (build/live/), so nothing a run saves can touch the committed notebooks. Each chapter
/// is run once (<see cref="RunAll"/>) and the tests read that one run.
/// </summary>
public sealed class LiveJupyter : IAsyncLifetime
{
    private Process? server;
    private IPlaywright? playwright;

    public IBrowser? Browser { get; private set; }
    public string BaseUrl { get; private set; } = "";
    public string Token { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    public string Folder { get; } = Repo.PathOf("build", "live");
    public StringBuilder Log { get; } = new();

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists("/usr/bin/jupyter-notebook"), "/usr/bin/jupyter-notebook is missing: run .ci/setup, which installs Debian's jupyter-notebook.");
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
        Directory.CreateDirectory(Path.Combine(Folder, "notebooks"));
        var instructor = Path.Combine(PipelineSettings.EditionsDirectory, PipelineSettings.Instructor);
        Assert.True(Directory.Exists(instructor), $"{Path.GetRelativePath(Repo.Root, instructor)} is missing: run .ci/handouts first (.ci/test does).");
        foreach (var file in Directory.GetFiles(Repo.LearnerNotebooks).Where(f => !f.EndsWith(".ipynb", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(Folder, "notebooks", Path.GetFileName(file)));
        foreach (var file in Directory.GetFiles(instructor, "*.ipynb"))
            File.Copy(file, Path.Combine(Folder, "notebooks", Path.GetFileName(file)));
        foreach (var linked in new[] { "src", "data" })
            File.CreateSymbolicLink(Path.Combine(Folder, linked), Repo.PathOf(linked));

        int port = FreePort();
        var start = new ProcessStartInfo("/usr/bin/jupyter-notebook")
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--no-browser", "--ip=127.0.0.1", $"--port={port}", "--port-retries=0", $"--NotebookApp.token={Token}",
                     "--NotebookApp.open_browser=False", $"--notebook-dir={Folder}", "--allow-root" })
            start.ArgumentList.Add(argument);
        server = Process.Start(start)!;
        server.OutputDataReceived += (_, e) => { lock (Log) Log.AppendLine(e.Data); };
        server.ErrorDataReceived += (_, e) => { lock (Log) Log.AppendLine(e.Data); };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        BaseUrl = $"http://127.0.0.1:{port}";

        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var response = await http.GetAsync($"{BaseUrl}/api/status?token={Token}");
                if (response.StatusCode == HttpStatusCode.OK) break;
            }
            catch (HttpRequestException) { }
            Assert.False(server.HasExited, $"jupyter-notebook exited with code {(server.HasExited ? server.ExitCode : 0)}:\n{Log}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"jupyter-notebook did not answer on {BaseUrl} within 60 s:\n{Log}");
            await Task.Delay(250);
        }

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(PipelineSettings.ChromiumLaunch);
    }

    private readonly Dictionary<string, Task<LiveRun>> runs = new();

    /// <summary>The one Run All of <paramref name="notebook"/> in this front end, started on first use.</summary>
    public Task<LiveRun> RunAll(string notebook)
    {
        lock (runs)
        {
            if (!runs.TryGetValue(notebook, out var run))
                runs[notebook] = run = LiveRun.Of(this, notebook);
            return run;
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        playwright?.Dispose();
        if (server is { HasExited: false })
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Each chapter's instructor's edition, opened in the live front end and run with Run All: the set-up
/// cell's #!import works there as under nbclient, no cell errors, every chart is drawn, and the page
/// logs no error. A cell that rewrites a progress line with "\r" must be seen to move while it runs.
/// The same run is the second execution that the pipeline's run of the edition is compared with, so
/// the pipeline runs each edition once.
/// </summary>
[Collection(LiveJupyterCollection.Name)]
public sealed class LiveJupyterTests(LiveJupyter jupyter) : IClassFixture<LiveJupyter>
{
    public static TheoryData<string> Notebooks() => NotebookTests.Notebooks();

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Chapter_RunsAllInALiveJupyterNotebook(string notebook)
    {
        Assert.NotEqual(NotebookTests.Missing, notebook);
        var run = await jupyter.RunAll(notebook);
        if (LiveRun.WithProgress.Contains(notebook))
            Assert.True(run.ProgressCells > 0, $"{notebook}: no code cell writes a progress line with \"\\r\"");
        Assert.True(run.Errors.Length == 0, $"{notebook} in a live Jupyter Notebook:\n" + string.Join("\n", run.Errors));
        Assert.Equal(0, run.Unrun);

        // The kernel streams each Console.Write as it happens, so a progress line rewritten with
        // "\r" must reach the page as messages that show at least two states, not only the last one.
        if (LiveRun.WithProgress.Contains(notebook))
            Assert.True(run.Progress.Length > 0 && run.Progress.All(log => log.States.Length >= 2),
                $"{notebook}: the progress line did not move:\n"
                + string.Join("\n---\n", run.Progress.Select(log =>
                    $"{log.Messages} output message(s), {log.WhileRunning} while the cell's prompt showed *; states seen:\n"
                    + string.Join("\n", log.States))));

        Assert.True(run.DrawnCharts == run.Charts, $"{notebook}: {run.DrawnCharts} of the {run.Charts} chart(s) on the live page were drawn");
        var expected = PipelineReport.Require().Of(notebook).Charts;
        Assert.True(run.Charts >= expected, $"{notebook}: {run.Charts} chart(s) on the live page, the handout has {expected}");

        // Debian's notebook server asks for a widgets extension it does not ship (a 404 under
        // /nbextensions/ and a refused script); that is the server's set-up, not the course's.
        var ours = run.FailedRequests.Where(r => !r.Contains("/nbextensions/", StringComparison.Ordinal)).ToList();
        var errorsOfOurs = run.ConsoleErrors.Where(e => !e.Contains("/nbextensions/", StringComparison.Ordinal)
            && !(e.StartsWith("Failed to load resource", StringComparison.Ordinal) && ours.Count == 0)).ToList();
        Assert.True(ours.Count == 0 && errorsOfOurs.Count == 0,
            $"{notebook}: the live page logged errors:\n" + string.Join("\n", [.. ours, .. errorsOfOurs]));
    }

    /// <summary>
    /// The instructor's edition gives the same outputs in two executions with the real kernel: the
    /// pipeline's (build/executed/instructor/, nbclient) and this front end's Run All, compared cell by
    /// cell outside cells tagged timing (their outputs are times) and the set-up cell (it prints the
    /// library's path relative to the folder it ran from, which differs). This is the comparison the
    /// pipeline used to make by running the edition a second time. What the two clients store differs
    /// only in form, which <see cref="OutputComparison"/> evens out: the front end joins consecutive
    /// stream messages and applies their carriage returns, and keeps execution counts of its own.
    /// </summary>
    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_GivesTheSameOutputsInEveryExecution(string notebook)
    {
        Assert.NotEqual(NotebookTests.Missing, notebook);
        var entry = PipelineReport.Require().Of(notebook);
        Assert.True(entry.Error is null, $"{notebook} did not run cleanly in the pipeline, so its runs were not compared; see Notebook_RunsWithoutErrors.");
        var run = await jupyter.RunAll(notebook);
        Assert.True(run.Errors.Length == 0 && run.Unrun == 0, $"{notebook} did not run cleanly in the live front end; see Chapter_RunsAllInALiveJupyterNotebook.");
        var executed = File.ReadAllText(Path.Combine(PipelineSettings.ExecutedDirectory, PipelineSettings.Instructor, notebook));
        var differences = OutputComparison.Differences(executed, run.NotebookJson);
        Assert.True(differences.Count == 0,
            $"{notebook}: {differences.Count} code cell(s) gave different outputs in two executions of the instructor's edition (the pipeline's, "
            + $"then a live Jupyter Notebook's). Make them deterministic (seed, stable ordering), or tag the cell \"{PipelineSettings.TimingTag}\" if its output is a time.\n\n"
            + string.Join("\n\n", differences.Take(5)));
    }
}

/// <summary>What one Run All of a chapter in the live front end left: its errors, charts, progress log and the notebook as the page holds it.</summary>
public sealed record LiveRun(int ProgressCells, string[] Errors, int Unrun, ProgressLog[] Progress, int Charts, int DrawnCharts,
    IReadOnlyList<string> ConsoleErrors, IReadOnlyList<string> FailedRequests, string NotebookJson)
{
    /// <summary>Chapters whose training cell writes a progress line that must move while the cell runs.</summary>
    public static readonly string[] WithProgress = ["06_framework_training.ipynb"];

    /// <summary>
    /// Wraps the output handler of each code cell that writes "\r", so that every output message the
    /// front end receives for it is seen as it arrives: after the front end has drawn the message, the
    /// wrapper keeps the cell's text if it differs from the last one kept. The front end applies the
    /// carriage returns itself, so each text is the line as a learner sees it at that moment. Nothing
    /// here polls: a busy machine that delays the page's timers, or delivers a burst of messages at
    /// once, cannot hide a state. For the failure message it also notes how many messages came while
    /// the cell's prompt still showed * and when each kept state arrived.
    /// </summary>
    private const string WatchProgress = """
        () => {
          window.progressSeen = {};
          const start = performance.now();
          const watched = Jupyter.notebook.get_cells()
            .map((c, i) => [c, i]).filter(([c]) => c.cell_type === 'code' && c.get_text().includes('"\\r'));
          for (const [c, i] of watched) {
            const log = (window.progressSeen[i] = { messages: 0, whileRunning: 0, states: [] });
            const handle = c.output_area.handle_output;
            c.output_area.handle_output = function (...args) {
              const result = handle.apply(this, args);
              log.messages++;
              if (c.input_prompt_number === '*') log.whileRunning++;
              const text = c.output_area.element.text().trim();
              const last = log.states[log.states.length - 1];
              if (text && (!last || !last.endsWith(' ' + text)))
                log.states.push(`${((performance.now() - start) / 1000).toFixed(2)} s: ${text}`);
              return result;
            };
          }
          return watched.length;
        }
        """;

    public static async Task<LiveRun> Of(LiveJupyter jupyter, string notebook)
    {
        var context = await jupyter.Browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 900 } });
        var consoleErrors = new List<string>();
        var failedRequests = new List<string>();
        try
        {
            var page = await context.NewPageAsync();
            page.Response += (_, response) => { if (response.Status >= 400) lock (failedRequests) failedRequests.Add($"{response.Status} {response.Url}"); };
            page.Console += (_, message) => { if (message.Type == "error") lock (consoleErrors) consoleErrors.Add(message.Text); };
            page.PageError += (_, error) => { lock (consoleErrors) consoleErrors.Add(error); };
            await page.GotoAsync($"{jupyter.BaseUrl}/notebooks/notebooks/{notebook}?token={jupyter.Token}");
            await page.WaitForFunctionAsync(
                "() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()",
                null, new PageWaitForFunctionOptions { Timeout = 180_000, PollingInterval = 250 });
            int progressCells = await page.EvaluateAsync<int>(WatchProgress);
            // Cell > Run All, as a learner would choose it.
            await page.ClickAsync("#celllink");
            await page.ClickAsync("#run_all_cells a");

            await page.WaitForFunctionAsync("""
                () => {
                  const code = Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code');
                  const failed = code.some(c => c.output_area.outputs.some(o => o.output_type === 'error'));
                  const finished = code.every(c => typeof c.input_prompt_number === 'number');
                  return (failed || finished) && Jupyter.notebook.kernel_busy !== true && !document.querySelector('#kernel_indicator_icon.kernel_busy_icon');
                }
                """, null, new PageWaitForFunctionOptions { Timeout = 900_000, PollingInterval = 500 });

            var errors = await page.EvaluateAsync<string[]>("""
                () => Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code').flatMap((c, i) =>
                  c.output_area.outputs.filter(o => o.output_type === 'error' || (o.output_type === 'stream' && o.name === 'stderr' && /error CS\d+/.test(o.text)))
                    .map(o => `code cell ${i + 1} (${c.get_text().split('\n')[0]}): ${o.ename || ''} ${o.evalue || o.text || ''}`))
                """);
            var unrun = await page.EvaluateAsync<int>("() => Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code' && typeof c.input_prompt_number !== 'number').length");
            var progress = await page.EvaluateAsync<ProgressLog[]>("() => Object.values(window.progressSeen)");
            try
            {
                await page.WaitForFunctionAsync(
                    "() => Array.from(document.querySelectorAll('.foundations-plot')).every(p => p.querySelector('.main-svg .trace'))",
                    null, new PageWaitForFunctionOptions { Timeout = 15_000, PollingInterval = 250 });
            }
            catch (System.TimeoutException) { }   // a chart not drawn in time is counted below
            var charts = await page.EvaluateAsync<int>("() => document.querySelectorAll('.foundations-plot').length");
            var drawn = await page.EvaluateAsync<int>("() => Array.from(document.querySelectorAll('.foundations-plot')).filter(p => p.querySelector('.main-svg .trace')).length");
            var json = await page.EvaluateAsync<string>("() => JSON.stringify(Jupyter.notebook.toJSON())");

            var screenshots = Repo.PathOf("build", "live-screenshots");
            Directory.CreateDirectory(screenshots);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, Path.ChangeExtension(notebook, ".png")), FullPage = false });
            lock (failedRequests)
            lock (consoleErrors)
                return new LiveRun(progressCells, errors, unrun, progress, charts, drawn, [.. consoleErrors], [.. failedRequests], json);
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}

/// <summary>What the page saw of one progress cell's output messages (see WatchProgress).</summary>
public sealed class ProgressLog
{
    public int Messages { get; set; }
    public int WhileRunning { get; set; }
    public string[] States { get; set; } = [];
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveJupyterCollection
{
    public const string Name = "A live Jupyter Notebook, one chapter at a time";
}
