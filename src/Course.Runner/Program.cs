using System.Globalization;
using Course.Runner;

// Exit codes: 0 every notebook ran, 1 a cell failed, 2 the command line or a notebook file is wrong.
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(RunnerArguments.Usage);
    return 0;
}

RunnerArguments arguments;
try
{
    arguments = RunnerArguments.Parse(args, Environment.CurrentDirectory);
}
catch (RunnerException error)
{
    Console.Error.WriteLine($"course runner: {error.Message}\n\n{RunnerArguments.Usage}");
    return 2;
}

var results = new List<NotebookResult>();
foreach (var notebook in arguments.Notebooks)
{
    Console.WriteLine($"══ {notebook} ══");
    try
    {
        results.Add(NotebookRunner.Run(notebook, arguments.ChartDirectory(notebook), Console.Out));
    }
    catch (RunnerException error)
    {
        Console.Error.WriteLine($"course runner: {error.Message}");
        return 2;
    }
    catch (CellFailedException failure)
    {
        Console.Out.Flush();
        Console.Error.WriteLine($"\nFAILED {failure.Message}");
        return 1;
    }
}

Console.WriteLine();
foreach (var result in results)
{
    var charts = result.Charts == 0 ? "no charts" : $"{result.Charts} chart{(result.Charts == 1 ? "" : "s")} in {Path.GetRelativePath(Environment.CurrentDirectory, result.ChartDirectory)}";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"ok  {result.Notebook}: {result.Cells} cells in {result.Elapsed.TotalSeconds:F1} s, {charts}"));
}
return 0;
