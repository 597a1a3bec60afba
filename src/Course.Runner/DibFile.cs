namespace Course.Runner;

/// <summary>One section of a .dib file: the kernel named by its <c>#!name</c> line, and the code below it.</summary>
/// <param name="FirstLine">The line (from 1) of the section's first code line in the file.</param>
public sealed record DibSection(string Kernel, string Code, int FirstLine);

/// <summary>
/// Reads Polyglot Notebooks' plain-text format: a line <c>#!csharp</c> (or another kernel's name)
/// starts a section that runs as one submission. Other <c>#!</c> lines, such as <c>#!import</c>,
/// are magic commands inside a section, not section breaks.
/// </summary>
public static class DibFile
{
    /// <summary>Names .NET Interactive gives its kernels (and their aliases); only these start a section.</summary>
    private static readonly HashSet<string> KernelNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "csharp", "c#", "fsharp", "f#", "pwsh", "powershell", "javascript", "js", "html", "markdown", "md",
        "mermaid", "sql", "kql", "value", "http", "python", "r", "meta", "vscode", "share",
    };

    private static readonly HashSet<string> CSharp = new(StringComparer.OrdinalIgnoreCase) { "csharp", "c#" };

    /// <summary>Markdown holds prose and #!meta the notebook's settings: neither runs.</summary>
    private static readonly HashSet<string> NotRun = new(StringComparer.OrdinalIgnoreCase) { "markdown", "md", "meta" };

    /// <summary>Every section, in order; code before the first kernel line counts as C#, the course's default kernel.</summary>
    public static IReadOnlyList<DibSection> Parse(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var sections = new List<DibSection>();
        string? kernel = null;
        int start = 0;
        for (int i = 0; i <= lines.Length; i++)
        {
            string? name = i < lines.Length ? KernelLine(lines[i]) : null;
            if (i < lines.Length && name is null) continue;
            var section = Trimmed(new DibSection(kernel ?? "csharp", string.Join('\n', lines[start..i]), start + 1));
            if (kernel is not null || section.Code.Length > 0) sections.Add(section);
            kernel = name;
            start = i + 1;
        }
        return sections;
    }

    /// <summary>The C# sections of a .dib file; a section for another kernel is an error that names it.</summary>
    public static IReadOnlyList<DibSection> CSharpSections(string path)
    {
        if (!File.Exists(path)) throw new RunnerException($"#!import {path}: no such file");
        var sections = new List<DibSection>();
        foreach (var section in Parse(File.ReadAllText(path)))
        {
            if (NotRun.Contains(section.Kernel)) continue;
            if (!CSharp.Contains(section.Kernel))
                throw new RunnerException($"{path}: the #!{section.Kernel} section (code from line {section.FirstLine}) is for another kernel; the terminal runner runs C# only");
            if (section.Code.Trim().Length == 0) continue;
            sections.Add(section);
        }
        return sections;
    }

    private static string? KernelLine(string line)
    {
        var trimmed = line.TrimEnd('\r', ' ', '\t');
        if (!trimmed.StartsWith("#!", StringComparison.Ordinal)) return null;
        var name = trimmed[2..];
        return KernelNames.Contains(name) ? name : null;
    }

    /// <summary>Drops blank lines around the code, moving FirstLine past the leading ones.</summary>
    private static DibSection Trimmed(DibSection section)
    {
        var lines = section.Code.Split('\n');
        int first = 0, last = lines.Length - 1;
        while (first <= last && lines[first].Trim().Length == 0) first++;
        while (last >= first && lines[last].Trim().Length == 0) last--;
        return first > last
            ? section with { Code = "" }
            : section with { Code = string.Join('\n', lines[first..(last + 1)]), FirstLine = section.FirstLine + first };
    }
}
