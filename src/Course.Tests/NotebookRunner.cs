using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Course.Tests;

/// <summary>The result of running one notebook top to bottom with the real kernel.</summary>
public sealed record NotebookExecution(string Notebook, int ExitCode, bool TimedOut, string Log, NotebookDocument? Result, TimeSpan Elapsed)
{
    /// <summary>Everything that went wrong, one block per failing cell; empty when every cell ran cleanly.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (TimedOut) problems.Add($"{Notebook}: nbconvert did not finish within {NotebookRunner.ProcessLimit.TotalMinutes:0} minutes");
        if (Result is not null) problems.AddRange(NotebookRunner.CellErrors(Result));
        if (problems.Count == 0 && (ExitCode != 0 || Result is null))
            problems.Add($"{Notebook}: nbconvert exited with code {ExitCode}{(Result is null ? " and wrote no notebook" : "")}");
        // The kernel's own log only helps when there is no cell to blame.
        if ((Result is null || TimedOut) && Log.Length > 0)
            problems.Add("last lines from nbconvert and the kernel:\n" + NotebookRunner.Tail(Log, 25));
        return problems;
    }
}

/// <summary>
/// Runs a notebook through a real Jupyter client: nbconvert starts the registered .net-csharp kernel
/// (the pinned dotnet-interactive tool) from the notebook's folder, so relative #r paths and the
/// repository's tool manifest resolve exactly as they do for a student.
/// </summary>
public static partial class NotebookRunner
{
    public const int CellTimeoutSeconds = 600;
    public const int KernelStartAttempts = 3;

    /// <summary>A whole notebook gets this long before its nbconvert process tree is stopped.</summary>
    public static readonly TimeSpan ProcessLimit = TimeSpan.FromMinutes(20);

    /// <summary>Debian's Jupyter (nbconvert and nbclient come from apt, see .ci/setup); a python3 earlier on PATH may lack them.</summary>
    public static string Jupyter => File.Exists("/usr/bin/jupyter") ? "/usr/bin/jupyter" : "jupyter";

    /// <summary>
    /// Executes <paramref name="notebookPath"/> into <paramref name="outputDirectory"/>. Errors do not stop the
    /// run (--allow-errors) so that the written notebook holds the failing cell's own error and stderr output,
    /// which <see cref="NotebookExecution.Problems"/> reports.
    /// </summary>
    public static NotebookExecution Execute(string notebookPath, string outputDirectory)
    {
        // Each kernel takes an HTTP port from 2048-3000; two kernels starting at once can pick the same
        // one, and the loser dies before running a cell. That is the machine, not the notebook: retry.
        NotebookExecution run = ExecuteOnce(notebookPath, outputDirectory);
        for (int attempt = 2; attempt <= KernelStartAttempts && LostPortRace(run); attempt++)
            run = ExecuteOnce(notebookPath, outputDirectory);
        return run;
    }

    /// <summary>The kernel died at start-up because its HTTP port was taken, so no notebook was written.</summary>
    public static bool LostPortRace(NotebookExecution run) =>
        run.Result is null && !run.TimedOut && run.Log.Contains("AddressInUseException", StringComparison.Ordinal);

    private static NotebookExecution ExecuteOnce(string notebookPath, string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        var written = Path.Combine(outputDirectory, Path.GetFileName(notebookPath));
        File.Delete(written);
        var start = new ProcessStartInfo(Jupyter)
        {
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(notebookPath))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
            $"--ExecutePreprocessor.kernel_name={NotebookRules.KernelName}",
            $"--ExecutePreprocessor.timeout={CellTimeoutSeconds}",
            "--ExecutePreprocessor.startup_timeout=180",
            "--output-dir", outputDirectory,
            Path.GetFileName(notebookPath),
        })
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var log = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        void Append(object _, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (log) log.AppendLine(e.Data);
        }
        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool finished = process.WaitForExit(ProcessLimit);
        if (!finished)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        else
        {
            process.WaitForExit();
        }

        var result = File.Exists(written) ? NotebookDocument.Load(written) : null;
        string text;
        lock (log) text = log.ToString();
        return new NotebookExecution(Path.GetFileName(notebookPath), finished ? process.ExitCode : -1, !finished, text, result, clock.Elapsed);
    }

    /// <summary>One message per code cell that produced an error output: the cell's source, the error and the cell's stderr.</summary>
    public static IReadOnlyList<string> CellErrors(NotebookDocument executed)
    {
        var problems = new List<string>();
        foreach (var cell in executed.CodeCells)
        {
            var outputs = cell.Outputs?.OfType<JsonObject>().ToList() ?? [];
            var errors = outputs.Where(o => o["output_type"]?.GetValue<string>() == "error").ToList();
            if (errors.Count == 0) continue;
            var message = new StringBuilder();
            message.AppendLine($"{executed.Name}: {cell.Label} failed.");
            message.AppendLine("--- source ---");
            message.AppendLine(Shorten(cell.Source.TrimEnd(), 40));
            foreach (var error in errors)
            {
                message.AppendLine("--- error ---");
                // The .NET kernel puts the exception with its stack in evalue and repeats it in the traceback.
                var value = error["evalue"]?.GetValue<string>() ?? "";
                var traceback = string.Join("\n", (error["traceback"] as JsonArray ?? []).Select(t => t?.GetValue<string>() ?? ""));
                message.AppendLine($"{error["ename"]?.GetValue<string>()}: {Shorten(AnsiEscape().Replace(value, ""), 30)}");
                if (traceback.Trim().Length > 0 && !value.Contains(traceback.Split('\n')[0], StringComparison.Ordinal))
                    message.AppendLine(Shorten(AnsiEscape().Replace(traceback, ""), 30));
            }
            var stderr = string.Concat(outputs
                .Where(o => o["output_type"]?.GetValue<string>() == "stream" && o["name"]?.GetValue<string>() == "stderr")
                .Select(o => NotebookDocument.Text(o["text"])));
            if (stderr.Trim().Length > 0)
            {
                message.AppendLine("--- stderr ---");
                message.AppendLine(Shorten(stderr.Trim(), 30));
            }
            problems.Add(message.ToString().TrimEnd());
        }
        return problems;
    }

    public static string Tail(string text, int lines)
    {
        var all = text.TrimEnd().Split('\n');
        return string.Join("\n", all.Skip(Math.Max(0, all.Length - lines)));
    }

    private static string Shorten(string text, int maxLines)
    {
        var lines = text.Split('\n');
        return lines.Length <= maxLines ? text : string.Join("\n", lines.Take(maxLines)) + $"\n... ({lines.Length - maxLines} more lines)";
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*[A-Za-z]")]
    private static partial Regex AnsiEscape();
}
