namespace Course.Runner;

/// <summary>The command line: notebooks to run (or <c>--all</c>), and <c>--out DIR</c> for the charts.</summary>
public sealed record RunnerArguments(IReadOnlyList<string> Notebooks, string OutDirectory)
{
    public const string Usage = """
        usage: dotnet run --project src/Course.Runner -c Release -- [--out DIR] NOTEBOOK.ipynb...
               dotnet run --project src/Course.Runner -c Release -- [--out DIR] --all

        Runs each notebook's C# cells in order, printing every cell's output, and stops at the first
        cell that fails. --all runs notebooks/*.ipynb in order. Charts are written as HTML pages to
        DIR/<notebook name>/ (DIR is build/terminal in the repository by default).
        """;

    /// <summary>The repository's marker file, to find notebooks/ for --all and build/ for the charts.</summary>
    private const string SolutionFile = "Foundations.slnx";

    /// <exception cref="RunnerException">The arguments are wrong; the message says how.</exception>
    public static RunnerArguments Parse(IReadOnlyList<string> args, string currentDirectory)
    {
        var notebooks = new List<string>();
        string? outDirectory = null;
        bool all = false;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--all":
                    all = true;
                    break;
                case "--out":
                    if (i + 1 >= args.Count) throw new RunnerException("--out needs a folder after it");
                    outDirectory = args[++i];
                    break;
                case var option when option.StartsWith('-'):
                    throw new RunnerException($"unknown option {option}");
                default:
                    notebooks.Add(args[i]);
                    break;
            }
        }
        if (all && notebooks.Count > 0) throw new RunnerException("give notebooks or --all, not both");
        var root = RepositoryRoot(currentDirectory);
        if (all)
        {
            if (root is null) throw new RunnerException($"--all: no {SolutionFile} in {currentDirectory} or above it, so no notebooks/ folder to run");
            notebooks.AddRange(Directory.GetFiles(Path.Combine(root, "notebooks"), "*.ipynb")
                .Order(StringComparer.Ordinal)
                .Select(path => Path.GetRelativePath(currentDirectory, path)));
        }
        if (notebooks.Count == 0) throw new RunnerException("no notebook given");
        foreach (var notebook in notebooks)
        {
            if (!string.Equals(Path.GetExtension(notebook), ".ipynb", StringComparison.OrdinalIgnoreCase))
                throw new RunnerException($"{notebook}: not a notebook (.ipynb)");
            if (!File.Exists(Path.Combine(currentDirectory, notebook))) throw new RunnerException($"{notebook}: no such notebook");
        }
        outDirectory ??= Path.Combine(root ?? currentDirectory, "build", "terminal");
        return new RunnerArguments(notebooks, Path.GetFullPath(outDirectory, currentDirectory));
    }

    /// <summary>Where a notebook's charts go: its own folder under <see cref="OutDirectory"/>.</summary>
    public string ChartDirectory(string notebook) => Path.Combine(OutDirectory, Path.GetFileNameWithoutExtension(notebook));

    /// <summary>The repository holding <paramref name="start"/> (the folder with Foundations.slnx), or null.</summary>
    public static string? RepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, SolutionFile))) return directory.FullName;
        return null;
    }
}
