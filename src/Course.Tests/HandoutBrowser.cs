using Microsoft.Playwright;

namespace Course.Tests;

/// <summary>
/// Debian's headless Chromium driven by Playwright (no browser download), opening pages from disk
/// with every request that is not local aborted and recorded.
/// </summary>
public sealed class HandoutBrowser : IAsyncLifetime
{
    /// <summary>Longer than a chart's wait for plotly.js before it turns to the CDN (5 s), so a missing library shows up as a network attempt.</summary>
    private const float ChartTimeoutMilliseconds = 8000;

    private static readonly string[] LocalSchemes = ["file:", "data:", "blob:", "about:"];

    private IPlaywright? playwright;
    private IBrowser? browser;

    public async Task InitializeAsync()
    {
        var chromium = PipelineSettings.ChromiumPath;
        Assert.True(File.Exists(chromium), $"{chromium} is missing: run .ci/setup, which installs Debian's chromium.");
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(PipelineSettings.ChromiumLaunch);
    }

    public async Task DisposeAsync()
    {
        if (browser is not null) await browser.CloseAsync();
        playwright?.Dispose();
    }

    /// <summary>Opens <paramref name="path"/>, waits for its charts, and reports; saves a full-page screenshot when asked.</summary>
    public async Task<HandoutReport> CheckAsync(string path, string? screenshotPath = null)
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
            ServiceWorkers = ServiceWorkerPolicy.Block,
        });
        try
        {
            var consoleErrors = new List<string>();
            var networkAttempts = new List<string>();
            void Attempted(string url)
            {
                lock (networkAttempts)
                    if (!networkAttempts.Contains(url)) networkAttempts.Add(url);
            }
            await context.RouteAsync("**/*", async route =>
            {
                if (IsLocal(route.Request.Url)) await route.ContinueAsync();
                else
                {
                    Attempted(route.Request.Url);
                    await route.AbortAsync("blockedbyclient");
                }
            });
            var page = await context.NewPageAsync();
            page.Console += (_, message) => { if (message.Type == "error") lock (consoleErrors) consoleErrors.Add(message.Text); };
            page.PageError += (_, error) => { lock (consoleErrors) consoleErrors.Add(error); };
            page.Request += (_, request) => { if (!IsLocal(request.Url)) Attempted(request.Url); };
            page.WebSocket += (_, socket) => Attempted(socket.Url);

            await page.GotoAsync(new Uri(path).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
            try
            {
                await page.WaitForFunctionAsync(
                    "() => Array.from(document.querySelectorAll('.foundations-plot')).every(p => p.querySelector('.main-svg .trace'))",
                    null, new PageWaitForFunctionOptions { Timeout = ChartTimeoutMilliseconds, PollingInterval = 100 });
            }
            catch (TimeoutException)
            {
                // Reported below as charts not drawn.
            }
            await page.WaitForTimeoutAsync(300);

            var counts = await page.EvaluateAsync<Dictionary<string, int>>(CountScript);
            var notes = await page.EvaluateAsync<string[]>(
                "() => Array.from(document.querySelectorAll('.foundations-chart-note')).filter(n => n.offsetParent !== null).map(n => n.textContent.trim())");
            if (screenshotPath is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(screenshotPath)!);
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshotPath, FullPage = true });
            }
            lock (consoleErrors)
            lock (networkAttempts)
                return new HandoutReport(path, [.. consoleErrors], [.. networkAttempts],
                    counts["charts"], counts["drawn"], notes, counts["codeCells"], counts["highlighted"], counts["colouredKeywords"]);
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    private static bool IsLocal(string url) => LocalSchemes.Any(s => url.StartsWith(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>Charts (drawn = an SVG with at least one trace) and code cells (highlighted = C# lexer classes, coloured keywords).</summary>
    private const string CountScript = """
        () => {
          const plots = Array.from(document.querySelectorAll('.foundations-plot'));
          const cells = Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputArea-editor'));
          const keywords = Array.from(document.querySelectorAll('.jp-CodeCell .hl-csharp span.k, .jp-CodeCell .hl-csharp span.kt, .jp-CodeCell .hl-csharp span.kd'));
          const plain = cells.length ? getComputedStyle(cells[0].querySelector('pre') || cells[0]).color : '';
          return {
            charts: plots.length,
            drawn: plots.filter(p => p.querySelector('.main-svg .trace')).length,
            codeCells: cells.length,
            highlighted: cells.filter(c => c.querySelector('.highlight.hl-csharp')).length,
            colouredKeywords: keywords.filter(k => getComputedStyle(k).color !== plain).length,
          };
        }
        """;
}
