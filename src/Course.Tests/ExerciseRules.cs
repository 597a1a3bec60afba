using System.Net;
using System.Text.RegularExpressions;

namespace Course.Tests;

/// <summary>
/// The shape of a chapter's exercises and questionnaire, and what its two editions may hold. Each
/// exercise is four cells in a row: the task in markdown ("### Exercise N.k: title"), the learner's stub
/// (tagged exercise), the solution (tagged solution) and one check (tagged check); the questionnaire
/// is a markdown cell tagged questionnaire, followed by its answers, tagged solution. The pipeline
/// builds the learner's edition without the solution cells and the instructor's without the stubs.
/// </summary>
public static partial class ExerciseRules
{
    public const int MinimumExercises = 5;
    public const int MinimumQuestions = 15;

    public static string ExerciseTag => PipelineSettings.Tag("exercise");
    public static string SolutionTag => PipelineSettings.Tag("solution");
    public static string CheckTag => PipelineSettings.Tag("check");
    public static string QuestionnaireTag => PipelineSettings.Tag("questionnaire");

    /// <summary>The exercises' numbers ("3.1", "3.2", ...) in notebook order.</summary>
    public static IReadOnlyList<string> ExerciseNumbers(NotebookDocument nb) =>
        nb.MarkdownCells.Select(c => ExerciseHeading().Match(c.Source)).Where(m => m.Success).Select(m => m.Groups["id"].Value).ToList();

    /// <summary>At least five exercises, numbered N.1, N.2, ... for chapter N, each as task, stub, solution and check in a row, and no tagged cell elsewhere.</summary>
    public static IReadOnlyList<string> Exercises(NotebookDocument nb)
    {
        var problems = new List<string>();
        var chapter = ChapterNumber(nb);
        var cells = nb.Cells;
        var placed = new HashSet<int>();
        int k = 0;
        for (int i = 0; i < cells.Count; i++)
        {
            var heading = cells[i].IsMarkdown ? ExerciseHeading().Match(cells[i].Source) : Match.Empty;
            if (!heading.Success) continue;
            k++;
            var id = heading.Groups["id"].Value;
            if (id != $"{chapter}.{k}")
                problems.Add($"{cells[i].Label}: the exercise is numbered {id}; the {Ordinal(k)} exercise of chapter {chapter} should be {chapter}.{k}");
            var expected = new[] { (ExerciseTag, "the learner's stub"), (SolutionTag, "its solution"), (CheckTag, "its check") };
            for (int j = 0; j < expected.Length; j++)
            {
                int at = i + 1 + j;
                var (tag, what) = expected[j];
                if (at >= cells.Count || !cells[at].IsCode || !cells[at].Tags.Contains(tag))
                {
                    problems.Add($"exercise {id}: cell {at} should be {what}, a code cell tagged \"{tag}\"");
                    continue;
                }
                placed.Add(at);
            }
            if (i + 1 < cells.Count && cells[i + 1].Tags.Contains(ExerciseTag) && !Placeholder().IsMatch(cells[i + 1].Source))
                problems.Add($"exercise {id}: the stub holds no placeholder (throw new NotImplementedException() or a null answer)");
            if (i + 3 < cells.Count && cells[i + 3].Tags.Contains(CheckTag) && !CheckCall().IsMatch(cells[i + 3].Source.Trim()))
                problems.Add($"exercise {id}: the check cell should be one call, Chapter{chapter}.CheckSomething(answer), not \"{cells[i + 3].Summary}\"");
            if (i + 3 < cells.Count && cells[i + 3].Tags.Contains(CheckTag) && !cells[i + 3].Source.Contains($"Chapter{chapter}.", StringComparison.Ordinal))
                problems.Add($"exercise {id}: the check should call chapter {chapter}'s checks (Chapter{chapter}.…)");
        }
        if (k < MinimumExercises)
            problems.Add($"{k} exercise(s) (markdown cells starting \"### Exercise {chapter}.k: title\"); each chapter has at least {MinimumExercises}");
        var answers = AnswersCell(nb);
        foreach (var cell in cells)
        {
            bool tagged = cell.Tags.Contains(ExerciseTag) || cell.Tags.Contains(CheckTag) || (cell.Tags.Contains(SolutionTag) && cell != answers);
            if (tagged && !placed.Contains(cell.Index))
                problems.Add($"{cell.Label} \"{cell.Summary}\" is tagged {string.Join(", ", cell.Tags)} but is not part of an exercise (task, stub, solution, check)");
        }
        return problems;
    }

    /// <summary>How many numbered questions the questionnaire asks (0 without one).</summary>
    public static int QuestionCount(NotebookDocument nb) =>
        nb.Cells.Where(c => c.Tags.Contains(QuestionnaireTag)).Select(c => NumberedItems(c.Source).Count).FirstOrDefault();

    /// <summary>One questionnaire of at least fifteen numbered questions, followed by its answers (tagged solution) with the same numbers.</summary>
    public static IReadOnlyList<string> Questionnaire(NotebookDocument nb)
    {
        var questionnaires = nb.Cells.Where(c => c.Tags.Contains(QuestionnaireTag)).ToList();
        if (questionnaires.Count != 1)
            return [$"{questionnaires.Count} cells are tagged \"{QuestionnaireTag}\"; a chapter has exactly one questionnaire"];
        var questions = questionnaires[0];
        var problems = new List<string>();
        if (!questions.IsMarkdown || !questions.Source.TrimStart().StartsWith("## Questionnaire", StringComparison.Ordinal))
            problems.Add($"{questions.Label}: the questionnaire is a markdown cell starting \"## Questionnaire\"");
        var asked = NumberedItems(questions.Source);
        if (asked.Count < MinimumQuestions)
            problems.Add($"the questionnaire has {asked.Count} numbered question(s); at least {MinimumQuestions} are wanted");
        if (!asked.SequenceEqual(Enumerable.Range(1, asked.Count)))
            problems.Add($"the questions are numbered {string.Join(", ", asked)}, not 1 to {asked.Count}");
        var answers = AnswersCell(nb);
        if (answers is null || answers.Index != questions.Index + 1)
        {
            problems.Add($"the cell after the questionnaire should hold its answers: markdown tagged \"{SolutionTag}\" starting \"### Answers\"");
            return problems;
        }
        var answered = NumberedItems(answers.Source);
        if (!answered.SequenceEqual(asked))
            problems.Add($"the answers are numbered {string.Join(", ", answered)}; the questions {string.Join(", ", asked)}");
        return problems;
    }

    /// <summary>
    /// Lines of solutions (code, and the questionnaire's answers) found in <paramref name="text"/>, the
    /// learner's edition as a reader gets it. A line counts when it is long enough to say something
    /// (<see cref="DistinctiveLines"/>) and appears nowhere in the cells the learner is meant to see.
    /// </summary>
    public static IReadOnlyList<string> SolutionLeaks(NotebookDocument source, string text, string where)
    {
        var haystack = Normalise(text);
        return DistinctiveLines(source)
            .Where(line => haystack.Contains(Normalise(line), StringComparison.Ordinal))
            .Select(line => $"{where} holds a line of a solution: \"{line}\"")
            .ToList();
    }

    /// <summary>Every distinctive line of every solution cell, for the leak check and for showing that the instructor's edition has them.</summary>
    public static IReadOnlyList<string> DistinctiveLines(NotebookDocument source)
    {
        // What the learner is meant to see, as one text: a solution line found in it (a signature the stub
        // gives, a sentence an answer quotes from the chapter) gives nothing away.
        var visible = Normalise(string.Join("\n", source.Cells.Where(c => !c.Tags.Contains(SolutionTag)).Select(c => c.Source)));
        var lines = new List<string>();
        foreach (var cell in source.Cells.Where(c => c.Tags.Contains(SolutionTag)))
        {
            foreach (var raw in cell.Source.Split('\n'))
            {
                var line = raw.Trim();
                if (cell.IsMarkdown) line = ListMarker().Replace(line, "");
                if (line.StartsWith("//", StringComparison.Ordinal) || line.StartsWith('#')) continue;
                if (Normalise(line).Length < (cell.IsMarkdown ? 30 : 12)) continue;
                if (visible.Contains(Normalise(line), StringComparison.Ordinal)) continue;
                lines.Add(line);
            }
        }
        return lines;
    }

    /// <summary>A page's text as a reader sees it: tags removed, entities decoded.</summary>
    public static string PageText(string html) => WebUtility.HtmlDecode(Tag().Replace(ScriptOrStyle().Replace(html, " "), ""));

    /// <summary>Compared without markdown's emphasis and code marks and with runs of spaces as one, as a page shows them.</summary>
    private static string Normalise(string text) => Spaces().Replace(MarkdownMarks().Replace(text, ""), " ").Trim();

    private static NotebookCell? AnswersCell(NotebookDocument nb) =>
        nb.Cells.FirstOrDefault(c => c.IsMarkdown && c.Tags.Contains(SolutionTag) && c.Source.TrimStart().StartsWith("### Answers", StringComparison.Ordinal));

    private static List<int> NumberedItems(string markdown) =>
        NumberedItem().Matches(markdown).Select(m => int.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private static int ChapterNumber(NotebookDocument nb) => NotebookRules.ChapterNumber(nb) ?? 0;

    private static string Ordinal(int k) => k switch { 1 => "first", 2 => "second", 3 => "third", _ => $"{k}th" };

    [GeneratedRegex(@"^###\s+Exercise\s+(?<id>\d+\.\d+):\s*\S")]
    private static partial Regex ExerciseHeading();

    [GeneratedRegex(@"NotImplementedException|=\s*null\s*;")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^(//[^\n]*\n)*Chapter\d+\.Check\w*\(.*\)\s*;?$", RegexOptions.Singleline)]
    private static partial Regex CheckCall();

    [GeneratedRegex(@"^(?<n>\d+)\.\s", RegexOptions.Multiline)]
    private static partial Regex NumberedItem();

    [GeneratedRegex(@"^\d+\.\s+")]
    private static partial Regex ListMarker();

    [GeneratedRegex(@"[`*]")]
    private static partial Regex MarkdownMarks();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"<(script|style)\b.*?</\1>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptOrStyle();
}
