using System.Text.RegularExpressions;

namespace Course.Runner;

public enum DirectiveKind { Import, Reference, NuGet }

/// <summary>A kernel directive line of a cell: <c>#!import file</c>, <c>#r "file.dll"</c> or <c>#r "nuget: Name, Version"</c>.</summary>
/// <param name="Line">The directive's line in the cell, from 1.</param>
public sealed record Directive(DirectiveKind Kind, string Argument, int Line);

/// <summary>A cell split into its directives and its C# code; directive lines are left blank so line numbers still match the cell.</summary>
public sealed record CellParts(IReadOnlyList<Directive> Directives, string Code)
{
    public bool HasCode => Code.Trim().Length > 0;
}

/// <summary>
/// Finds the .NET Interactive directives that the course uses. Any other <c>#!</c> magic command is an
/// error naming it, rather than C# that fails to compile for a reason a learner cannot see.
/// </summary>
public static partial class Directives
{
    private static readonly HashSet<string> CSharpKernelLines = new(StringComparer.OrdinalIgnoreCase) { "#!csharp", "#!c#" };

    public static CellParts Split(string source)
    {
        var lines = source.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var directives = new List<Directive>();
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            int number = i + 1;
            if (line.StartsWith("#r", StringComparison.Ordinal) && (line.Length == 2 || char.IsWhiteSpace(line[2])))
            {
                var match = ReferenceLine().Match(line);
                if (!match.Success)
                    throw new RunnerException($"line {number}: `{line}` is not a #r the runner understands; write #r \"path/to/File.dll\" or #r \"nuget: Name, Version\"");
                var target = match.Groups["target"].Value.Trim();
                directives.Add(target.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase)
                    ? new Directive(DirectiveKind.NuGet, target["nuget:".Length..].Trim(), number)
                    : new Directive(DirectiveKind.Reference, target, number));
            }
            else if (line.StartsWith("#!", StringComparison.Ordinal))
            {
                var match = ImportLine().Match(line);
                if (match.Success)
                    directives.Add(new Directive(DirectiveKind.Import, match.Groups["file"].Value.Trim('"'), number));
                else if (!CSharpKernelLines.Contains(line))
                    throw new RunnerException($"line {number}: `{line}` is a .NET Interactive magic command that the terminal runner does not support (it supports #!import, #r and #!csharp)");
            }
            else continue;
            lines[i] = "";
        }
        return new CellParts(directives, string.Join('\n', lines));
    }

    [GeneratedRegex(@"^#r\s+""(?<target>[^""]+)""$")]
    private static partial Regex ReferenceLine();

    [GeneratedRegex(@"^#!import\s+(?<file>""[^""]+""|\S+)$")]
    private static partial Regex ImportLine();
}
