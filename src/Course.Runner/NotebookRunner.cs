using System.Diagnostics;
using Microsoft.CodeAnalysis.Scripting;

namespace Course.Runner;

/// <summary>How one notebook ran: its code cells, the charts it wrote and where, and how long it took.</summary>
public sealed record NotebookResult(string Notebook, int Cells, int Charts, string ChartDirectory, TimeSpan Elapsed);

/// <summary>
/// Runs a notebook's code cells in order in one <see cref="ScriptSession"/>, from the notebook's folder so
/// that its relative paths resolve as they do in the kernel, and prints a marker before each cell.
/// </summary>
public static class NotebookRunner
{
    /// <summary>A .dib may import another; this deep means a file imports itself.</summary>
    private const int MaxImportDepth = 8;

    /// <summary>
    /// Runs <paramref name="notebookPath"/>, writing cell markers, console output and values to
    /// <paramref name="writer"/> and charts to <paramref name="chartDirectory"/>.
    /// </summary>
    /// <exception cref="RunnerException">The notebook cannot be read.</exception>
    /// <exception cref="CellFailedException">A cell did not compile or threw; the cells after it did not run.</exception>
    public static NotebookResult Run(string notebookPath, string chartDirectory, TextWriter writer)
    {
        var clock = Stopwatch.StartNew();
        var cells = NotebookFile.ReadCodeCells(notebookPath);
        var name = Path.GetFileName(notebookPath);
        var charts = new ChartFiles(chartDirectory, Path.GetFileNameWithoutExtension(notebookPath), Environment.CurrentDirectory);
        var output = new CellOutput(writer, charts);
        var run = new Session(new ScriptSession(new KernelGlobals(output), output), Path.GetDirectoryName(Path.GetFullPath(notebookPath))!);

        var startDirectory = Environment.CurrentDirectory;
        var console = Console.Out;
        Console.SetOut(writer);
        CellOutput.Current = output;
        Environment.CurrentDirectory = run.Directory;
        try
        {
            foreach (var cell in cells)
            {
                writer.WriteLine($"── {name}, cell {cell.Number} of {cells.Count} ──");
                output.Cell = cell.Number;
                try
                {
                    run.Source(cell.Source, $"{name} cell {cell.Number}", 1, depth: 0);
                }
                catch (Exception error) when (error is not CellFailedException)
                {
                    throw Failure(notebookPath, cell, error);
                }
            }
        }
        finally
        {
            writer.Flush();
            Console.SetOut(console);
            Environment.CurrentDirectory = startDirectory;
        }
        return new NotebookResult(notebookPath, cells.Count, charts.Count, charts.Directory, clock.Elapsed);
    }

    private static CellFailedException Failure(string notebook, CodeCell cell, Exception error)
    {
        var where = $"{notebook}: cell {cell.Number} failed (its first line: {cell.FirstLine})";
        return error switch
        {
            CompilationErrorException compile => new CellFailedException($"{where}\nit does not compile:\n{ScriptSession.Describe(compile)}", error),
            RunnerException bad => new CellFailedException($"{where}\n{bad.Message}", error),
            _ => new CellFailedException($"{where}\nit threw {StackTraces.Shorten(error)}", error),
        };
    }

    /// <summary>The state of one notebook run: the session, and the folder relative paths start from.</summary>
    private sealed class Session(ScriptSession session, string directory)
    {
        public string Directory { get; } = directory;

        /// <summary>Runs a cell or a .dib section: its directives in order, then its code.</summary>
        public void Source(string source, string file, int firstLine, int depth)
        {
            CellParts parts;
            try
            {
                parts = Directives.Split(source);
            }
            catch (RunnerException error)
            {
                throw new RunnerException($"{file}, {error.Message}");
            }
            foreach (var directive in parts.Directives)
            {
                switch (directive.Kind)
                {
                    case DirectiveKind.Import:
                        Import(directive.Argument, depth);
                        break;
                    case DirectiveKind.Reference:
                        session.AddReference(ScriptReferences.ForPath(directive.Argument, Directory));
                        break;
                    case DirectiveKind.NuGet:
                        var package = directive.Argument.Split(',')[0].Trim();
                        if (!ScriptReferences.Packages.Contains(package))
                            throw new RunnerException($"{file}, line {firstLine + directive.Line - 1}: #r \"nuget: {directive.Argument}\": the terminal runner cannot fetch packages; it brings only {string.Join(", ", ScriptReferences.Packages.Order())}");
                        break;
                }
            }
            if (parts.HasCode) session.Run(parts.Code, file, firstLine);
        }

        private void Import(string file, int depth)
        {
            if (depth >= MaxImportDepth)
                throw new RunnerException($"#!import {file}: imports nest more than {MaxImportDepth} deep; does a file import itself?");
            var path = Path.GetFullPath(file, Directory);
            var name = Path.GetFileName(path);
            if (!string.Equals(Path.GetExtension(path), ".dib", StringComparison.OrdinalIgnoreCase))
                throw new RunnerException($"#!import {file}: the terminal runner imports .dib files only");
            foreach (var section in DibFile.CSharpSections(path))
                Source(section.Code, name, section.FirstLine, depth + 1);
        }
    }
}
