using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Course.Tests;

/// <summary>
/// The rules every course notebook follows (see the notebook conventions), each a pure function from a
/// notebook to the list of what breaks it, so a test can feed it a bad sample as easily as a real file.
/// An empty list means the notebook keeps the rule.
/// </summary>
public static partial class NotebookRules
{
    public static string KernelName => PipelineSettings.Kernel;
    public static string SetupTag => PipelineSettings.SetupTag;
    public const int ChapterCount = 7;

    public static IReadOnlyList<string> KernelMetadata(NotebookDocument nb)
    {
        var problems = new List<string>();
        Expect(nb.MetadataString("kernelspec.name"), KernelName, "metadata.kernelspec.name", problems);
        Expect(nb.MetadataString("kernelspec.language"), "C#", "metadata.kernelspec.language", problems);
        Expect(nb.MetadataString("language_info.name"), "C#", "metadata.language_info.name", problems);
        Expect(nb.MetadataString("polyglot_notebook.kernelInfo.defaultKernelName"), "csharp",
            "metadata.polyglot_notebook.kernelInfo.defaultKernelName", problems);
        var items = (nb.Metadata["polyglot_notebook"]?["kernelInfo"]?["items"] as JsonArray) ?? [];
        if (!items.Any(i => i?["name"]?.GetValue<string>() == "csharp" && i["languageName"]?.GetValue<string>() == "C#"))
            problems.Add("metadata.polyglot_notebook.kernelInfo.items has no {\"name\": \"csharp\", \"languageName\": \"C#\"} entry");
        return problems;
    }

    public static IReadOnlyList<string> CellLanguage(NotebookDocument nb)
    {
        var problems = new List<string>();
        foreach (var cell in nb.CodeCells)
        {
            var language = cell.Metadata["dotnet_interactive"]?["language"]?.GetValue<string>();
            var kernel = cell.Metadata["polyglot_notebook"]?["kernelName"]?.GetValue<string>();
            if (language != "csharp" || kernel != "csharp")
                problems.Add($"{cell.Label} \"{cell.Summary}\": metadata needs dotnet_interactive.language and polyglot_notebook.kernelName "
                    + $"= \"csharp\" (found {language ?? "nothing"} and {kernel ?? "nothing"})");
        }
        return problems;
    }

    public static IReadOnlyList<string> NoOutputs(NotebookDocument nb)
    {
        var problems = new List<string>();
        foreach (var cell in nb.CodeCells)
        {
            if (cell.Outputs is { Count: > 0 }) problems.Add($"{cell.Label} \"{cell.Summary}\" has {cell.Outputs.Count} committed output(s)");
            if (cell.ExecutionCount is not null) problems.Add($"{cell.Label} \"{cell.Summary}\" has execution_count {cell.ExecutionCount.ToJsonString()}, not null");
        }
        return problems;
    }

    /// <summary>nbformat 4.5 or later, where every cell carries a unique id.</summary>
    public static IReadOnlyList<string> Format(NotebookDocument nb)
    {
        var problems = new List<string>();
        var major = nb.Root["nbformat"]?.GetValue<int>();
        var minor = nb.Root["nbformat_minor"]?.GetValue<int>();
        if (major != 4) problems.Add($"nbformat is {major?.ToString() ?? "missing"}, not 4");
        if (minor is null or < 5) problems.Add($"nbformat_minor is {minor?.ToString() ?? "missing"}; cell ids need 4.5 or later");
        foreach (var cell in nb.Cells.Where(c => string.IsNullOrEmpty(c.Id)))
            problems.Add($"{cell.Label} \"{cell.Summary}\" has no id");
        foreach (var group in nb.Cells.Where(c => !string.IsNullOrEmpty(c.Id)).GroupBy(c => c.Id).Where(g => g.Count() > 1))
            problems.Add($"cell id {group.Key} is used by cells {string.Join(", ", group.Select(c => c.Index))}");
        foreach (var cell in nb.Cells.Where(c => c.Type is not ("code" or "markdown" or "raw")))
            problems.Add($"{cell.Label} has cell_type \"{cell.Type}\"");
        return problems;
    }

    /// <summary>
    /// Every path the notebook names stays inside the repository: #r, #load and #!import paths, string
    /// literals that start with "/", "~/" or "..", Windows drive paths, and relative markdown links.
    /// Relative paths resolve from the notebook's folder, as the kernel resolves them. Linux's /proc and
    /// /sys are allowed: they describe the machine the notebook runs on (e.g. its CPU, for a timing
    /// cell) and exist on every Linux machine, unlike a file someone left in their home folder.
    /// </summary>
    public static IReadOnlyList<string> PathsStayInRepository(NotebookDocument nb, string notebookDirectory, string repositoryRoot)
    {
        var problems = new List<string>();
        void CheckPath(NotebookCell cell, string path, string kind)
        {
            if (path.StartsWith("/proc/", StringComparison.Ordinal) || path.StartsWith("/sys/", StringComparison.Ordinal)) return;
            if (path.StartsWith('/') || path.StartsWith("~/", StringComparison.Ordinal))
            {
                problems.Add($"{cell.Label}: {kind} \"{path}\" is an absolute path on one machine; use a path relative to notebooks/");
                return;
            }
            var full = Path.GetFullPath(Path.Combine(notebookDirectory, path.Replace('\\', '/')));
            if (!Repo.Contains(repositoryRoot, full))
                problems.Add($"{cell.Label}: {kind} \"{path}\" resolves to {full}, outside the repository");
        }

        foreach (var cell in nb.Cells)
        {
            foreach (Match drive in DrivePath().Matches(cell.Source))
                problems.Add($"{cell.Label}: \"{drive.Value}...\" is a Windows drive path");
            if (cell.IsMarkdown)
            {
                foreach (Match link in MarkdownLink().Matches(cell.Source))
                {
                    var target = link.Groups["target"].Value;
                    if (!UriScheme().IsMatch(target) && !target.StartsWith('#')) CheckPath(cell, target.Split('#')[0], "link");
                }
                continue;
            }
            if (!cell.IsCode) continue;
            foreach (Match directive in PathDirective().Matches(cell.Source))
            {
                var path = directive.Groups["path"].Value;
                if (!path.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase)) CheckPath(cell, path, directive.Groups["kind"].Value);
            }
            foreach (var literal in StringLiterals(cell.Source))
            {
                if (AbsolutePathLiteral().IsMatch(literal) || literal == ".." || literal.StartsWith("../", StringComparison.Ordinal)
                    || literal.StartsWith("..\\", StringComparison.Ordinal))
                    CheckPath(cell, literal, "string");
            }
        }
        return problems.Distinct().ToList();
    }

    public const string SetupFile = "setup.dib";
    public const string SetupDirective = "#!import " + SetupFile;

    /// <summary>
    /// The first code cell is the one-line set-up, <c>#!import setup.dib</c>, tagged "setup" (the handouts
    /// leave it out); no other cell imports the set-up again or loads the library itself.
    /// </summary>
    public static IReadOnlyList<string> StartsWithSetup(NotebookDocument nb)
    {
        var code = nb.CodeCells.ToList();
        if (code.Count == 0) return ["the notebook has no code cell"];
        var problems = new List<string>();
        var first = code[0];
        var lines = first.Source.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("//", StringComparison.Ordinal)).ToList();
        if (lines is not [SetupDirective])
            problems.Add($"{first.Label} \"{first.Summary}\" is not the set-up cell: the first code cell should be just `{SetupDirective}`");
        if (!first.Tags.Contains(SetupTag))
            problems.Add($"{first.Label} is not tagged \"{SetupTag}\", so the handouts would print it");
        foreach (var cell in code.Skip(1))
        {
            if (cell.Source.Contains(SetupDirective, StringComparison.Ordinal))
                problems.Add($"{cell.Label} imports the set-up again");
            if (PathDirective().Matches(cell.Source).Any(m => m.Groups["kind"].Value == "#r" && Path.GetFileName(m.Groups["path"].Value).StartsWith("Foundations", StringComparison.Ordinal)))
                problems.Add($"{cell.Label} loads the library itself; {SetupFile} does that once");
        }
        return problems;
    }

    /// <summary>
    /// No #r "nuget: ..." in a notebook: the packages come from the library's build output, whose versions
    /// are pinned once, in Directory.Packages.props.
    /// </summary>
    public static IReadOnlyList<string> NoNuGetReferences(NotebookDocument nb) =>
        nb.CodeCells.SelectMany(cell => NuGetReference().Matches(cell.Source).Select(m =>
            $"{cell.Label}: #r \"nuget: {m.Groups["name"].Value.Trim()}\" pins a package a second time; reference it from the build output in {SetupFile} instead")).ToList();

    /// <summary>What the set-up's last section does when everything before it worked; until then its guard stops every other cell.</summary>
    public const string SetupComplete = "AppContext.SetData(\"Foundations.Setup\", \"complete\");";

    /// <summary>
    /// The set-up file: builds the library when it is missing, references the library and its packages
    /// from src/'s build output (no NuGet download) in a later section, registers the formatters, seeds
    /// the generator and, last, marks the set-up complete.
    /// </summary>
    public static IReadOnlyList<string> SetupScript(string source, string notebookDirectory, string repositoryRoot)
    {
        var problems = new List<string>();
        // A .dib section starts at a line holding only its kernel's name.
        var sections = DibSection().Split(source).Skip(1).ToList();
        int build = sections.FindIndex(s => s.Contains("dotnet", StringComparison.Ordinal) && s.Contains("build", StringComparison.Ordinal));
        int reference = sections.FindIndex(s => s.Contains("#r \"", StringComparison.Ordinal));
        if (sections.Count < 2)
            problems.Add($"{SetupFile} should have #!csharp sections that build the library when it is missing, then one that references it (a missing DLL fails the whole submission that names it)");
        else if (build < 0 || build >= reference)
            problems.Add($"{SetupFile} does not build the library (dotnet build) when it is missing, in a section before the one that references it");
        if (sections.Count == 0 || !sections[^1].TrimEnd().Split('\n')[^1].StartsWith(SetupComplete, StringComparison.Ordinal))
            problems.Add($"the last line of {SetupFile} is not {SetupComplete}, so its guard would stop every later cell as if the set-up had failed");
        var references = PathDirective().Matches(source).Where(m => m.Groups["kind"].Value == "#r").Select(m => m.Groups["path"].Value).ToList();
        var buildOutput = Path.Combine(repositoryRoot, "src");
        foreach (var dll in new[] { "Foundations.dll", "Foundations.Interactive.dll" })
            if (!references.Any(r => Path.GetFileName(r) == dll && Repo.Contains(buildOutput, Path.GetFullPath(Path.Combine(notebookDirectory, r)))))
                problems.Add($"{SetupFile} does not #r {dll} from src/'s build output");
        if (NuGetReference().IsMatch(source))
            problems.Add($"{SetupFile} has #r \"nuget: ...\": reference the packages from the build output, so their versions are pinned once");
        if (!source.Contains("Notebook.Setup()", StringComparison.Ordinal)) problems.Add($"{SetupFile} does not call Notebook.Setup(), so tensors and charts would not display");
        if (!ManualSeed().IsMatch(source)) problems.Add($"{SetupFile} does not call Tensor.ManualSeed, so the notebooks' numbers would change from run to run");
        return problems;
    }

    /// <summary>
    /// Tensor.ManualSeed is called no later than the first cell that draws random numbers; the set-up
    /// cell counts as seeding when <paramref name="setupSource"/> (the set-up file) seeds.
    /// </summary>
    public static IReadOnlyList<string> SeedsGenerator(NotebookDocument nb, string setupSource)
    {
        var code = nb.CodeCells.ToList();
        bool setupSeeds = ManualSeed().IsMatch(setupSource);
        int seed = code.FindIndex(c => ManualSeed().IsMatch(c.Source) || (setupSeeds && c.Source.Contains(SetupDirective, StringComparison.Ordinal)));
        if (seed < 0) return ["no code cell calls Tensor.ManualSeed(...), so the notebook's numbers change from run to run"];
        int random = code.FindIndex(c => RandomDraw().IsMatch(c.Source));
        if (random >= 0 && random < seed)
            return [$"{code[random].Label} \"{code[random].Summary}\" draws random numbers before the generator is seeded in {code[seed].Label}"];
        return [];
    }

    public static IReadOnlyList<string> HasCheck(NotebookDocument nb) =>
        nb.CodeCells.Any(c => CheckCall().IsMatch(c.Source)) ? [] : ["no code cell calls Check.TestClose / Check.That / Check.Compare"];

    public static IReadOnlyList<string> PlotsLayerStats(NotebookDocument nb) =>
        nb.CodeCells.Any(c => LayerStatsCall().IsMatch(c.Source)) ? [] : ["no code cell calls Charts.LayerStats(...) or Charts.OverSteps(...)"];

    /// <summary>The last heading of the notebook opens its questions or exercises.</summary>
    public static IReadOnlyList<string> EndsWithQuestions(NotebookDocument nb)
    {
        var headings = nb.MarkdownCells
            .SelectMany(c => Heading().Matches(FencedBlock().Replace(c.Source, "")).Select(m => m.Groups["text"].Value.Trim()))
            .ToList();
        if (headings.Count == 0) return ["the notebook has no markdown headings"];
        var last = headings[^1];
        return QuestionsHeading().IsMatch(last) ? [] : [$"the last heading is \"{last}\", not a Questions / Exercises section"];
    }

    /// <summary>The chapter number in the notebook's file name ("06_framework_training.ipynb" is 6), or null.</summary>
    public static int? ChapterNumber(NotebookDocument nb)
    {
        var match = FileNumber().Match(nb.Name);
        return match.Success ? int.Parse(match.Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The first cell is the markdown heading "# Chapter N ..." with N the file's number.</summary>
    public static IReadOnlyList<string> ChapterHeading(NotebookDocument nb)
    {
        var number = ChapterNumber(nb);
        var first = nb.Cells.FirstOrDefault();
        if (first is null || !first.IsMarkdown) return ["the first cell is not a markdown cell with the chapter title"];
        var title = ChapterTitle().Match(first.Source);
        if (!title.Success) return [$"the first cell starts \"{first.Summary}\", not \"# Chapter N — Title\""];
        if (number is int n && int.Parse(title.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture) != n)
            return [$"the title says chapter {title.Groups["n"].Value} but the file is numbered {n:00}"];
        return [];
    }

    /// <summary>The notebook files are NN_name.ipynb, numbered 01 to 06 with no gap or repeat.</summary>
    public static IReadOnlyList<string> Numbering(IEnumerable<string> fileNames)
    {
        var problems = new List<string>();
        var numbers = new List<int>();
        foreach (var name in fileNames)
        {
            var match = NotebookFileName().Match(name);
            if (!match.Success) problems.Add($"{name} is not named NN_name.ipynb (two digits, lower-case words joined by _)");
            else numbers.Add(int.Parse(match.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
        numbers.Sort();
        var expected = Enumerable.Range(1, ChapterCount).ToList();
        if (!numbers.SequenceEqual(expected))
            problems.Add($"the notebooks are numbered [{string.Join(", ", numbers.Select(n => n.ToString("00", System.Globalization.CultureInfo.InvariantCulture)))}], "
                + $"expected exactly 01 to {ChapterCount:00}");
        return problems;
    }

    /// <summary>The contents of the C# string literals in <paramref name="code"/> (regular, verbatim and interpolated; raw literals are skipped).</summary>
    public static IEnumerable<string> StringLiterals(string code)
    {
        var withoutChars = CharLiteral().Replace(code, "' '");
        foreach (Match m in StringLiteral().Matches(withoutChars))
            yield return m.Groups["verbatim"].Success ? m.Groups["verbatim"].Value.Replace("\"\"", "\"", StringComparison.Ordinal) : m.Groups["regular"].Value;
    }

    private static void Expect(string? actual, string expected, string what, List<string> problems)
    {
        if (actual != expected) problems.Add($"{what} is {(actual is null ? "missing" : $"\"{actual}\"")}, expected \"{expected}\"");
    }

    [GeneratedRegex(@"^\s*(?<kind>#r|#load|#!import)\s+""(?<path>[^""]+)""", RegexOptions.Multiline)]
    private static partial Regex PathDirective();

    [GeneratedRegex(@"^\s*#r\s+""nuget:\s*(?<name>[^,""]+)(,\s*(?<version>[^""]*))?""", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex NuGetReference();

    [GeneratedRegex(@"(?<![A-Za-z0-9])[A-Z]:\\\\?[A-Za-z0-9_.]")]
    private static partial Regex DrivePath();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex UriScheme();

    [GeneratedRegex(@"^(/[A-Za-z0-9._~-]|~/)\S*$")]
    private static partial Regex AbsolutePathLiteral();

    [GeneratedRegex(@"'(?:[^'\\\r\n]|\\[^\r\n]{1,6})'")]
    private static partial Regex CharLiteral();

    [GeneratedRegex(@"(?:\$@|@\$|@)""(?<verbatim>(?:[^""]|"""")*)""|(?<!"")\$?""(?<regular>(?:[^""\\\r\n]|\\.)*)""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"^#!csharp[ \t]*\r?$", RegexOptions.Multiline)]
    private static partial Regex DibSection();

    [GeneratedRegex(@"\bTensor\.ManualSeed\s*\(")]
    private static partial Regex ManualSeed();

    [GeneratedRegex(@"\b(Tensor\.)?(Randn|Rand)\s*\(|\bInit\.\w+\s*\(|\bnew\s+Lin\s*\(\s*\d")]
    private static partial Regex RandomDraw();

    [GeneratedRegex(@"\bCheck\.(TestClose|That|Compare)\s*\(")]
    private static partial Regex CheckCall();

    [GeneratedRegex(@"\bCharts\.(LayerStats|OverSteps)\s*\(")]
    private static partial Regex LayerStatsCall();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"^(```|~~~).*?^(```|~~~)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"\b(Questions?|Exercises?|Questionnaire|Answers)\b", RegexOptions.IgnoreCase)]
    private static partial Regex QuestionsHeading();

    [GeneratedRegex(@"^(?<n>\d{2})_[a-z0-9]+(_[a-z0-9]+)*\.ipynb$")]
    private static partial Regex NotebookFileName();

    [GeneratedRegex(@"^\d{2}(?=_)")]
    private static partial Regex FileNumber();

    [GeneratedRegex(@"^#\s+Chapter\s+(?<n>\d+)\b")]
    private static partial Regex ChapterTitle();
}
