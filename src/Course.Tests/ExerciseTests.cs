using System.Text.Json.Nodes;
using static Course.Tests.NotebookSamples;

namespace Course.Tests;

/// <summary>
/// Every chapter's exercises and questionnaire, and the two editions the pipeline builds from them:
/// in the instructor's every check says "correct", in the learner's every check says "not attempted
/// yet" and no line of a solution or an answer appears, neither in its notebook nor in its handout.
/// </summary>
public sealed class ExerciseTests
{
    public static TheoryData<string> Notebooks() => NotebookTests.Notebooks();

    private static NotebookDocument Load(string notebook) => NotebookTests.Load(notebook);

    private static void NoProblems(IReadOnlyList<string> problems, string notebook, string rule) =>
        NotebookTests.NoProblems(problems, notebook, rule);

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Chapter_HasItsExercises(string notebook) =>
        NoProblems(ExerciseRules.Exercises(Load(notebook)), notebook, "exercises");

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Chapter_HasItsQuestionnaireWithAnswers(string notebook) =>
        NoProblems(ExerciseRules.Questionnaire(Load(notebook)), notebook, "questionnaire");

    [Theory]
    [MemberData(nameof(NotebookTests.NotebookEditions), MemberType = typeof(NotebookTests))]
    public void Edition_EveryCheckSaysWhatItsEditionExpects(string notebook, string edition)
    {
        var numbers = ExerciseRules.ExerciseNumbers(Load(notebook));
        var entry = PipelineReport.Require().Of(notebook, edition);
        Assert.True(entry.Error is null, $"the {edition}'s edition of {notebook} did not run: {entry.Error}");
        var expected = edition == PipelineSettings.Instructor ? "correct" : "not attempted yet";
        Assert.Equal(numbers, entry.Exercises.Select(e => e.Exercise ?? $"(no result in code cell {e.Cell})"));
        var wrong = entry.Exercises.Where(e => e.Status != expected).Select(e => $"exercise {e.Exercise} (code cell {e.Cell}) said \"{e.Status}\"").ToList();
        Assert.True(wrong.Count == 0, $"in the {edition}'s edition of {notebook} every check should say \"{expected}\":\n - " + string.Join("\n - ", wrong));
        Assert.Empty(entry.ExerciseProblems);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void LearnersEdition_HoldsNoSolution(string notebook)
    {
        var source = Load(notebook);
        var learner = Path.Combine(PipelineSettings.EditionsDirectory, PipelineSettings.Learner, notebook);
        var handout = Path.Combine(PipelineSettings.HandoutsDirectory, PipelineSettings.Learner, Path.ChangeExtension(notebook, ".html"));
        Assert.True(File.Exists(learner) && File.Exists(handout), $"the learner's edition of {notebook} was not built ({learner}, {handout}): run .ci/handouts");
        var learnerSources = string.Join("\n", NotebookDocument.Load(learner).Cells.Select(c => c.Source));
        var problems = ExerciseRules.SolutionLeaks(source, learnerSources, Path.GetRelativePath(Repo.Root, learner))
            .Concat(ExerciseRules.SolutionLeaks(source, ExerciseRules.PageText(File.ReadAllText(handout)), Path.GetRelativePath(Repo.Root, handout)))
            .ToList();
        NoProblems(problems, notebook, "solutions in the learner's edition");
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void InstructorsHandout_HoldsEverySolution(string notebook)
    {
        // The leak search on the learner's handout means something only if the same search finds the
        // solutions where they belong.
        var source = Load(notebook);
        var lines = ExerciseRules.DistinctiveLines(source);
        Assert.True(lines.Count >= ExerciseRules.MinimumExercises, $"{notebook}: only {lines.Count} distinctive solution line(s) to look for");
        var handout = Path.Combine(PipelineSettings.HandoutsDirectory, PipelineSettings.Instructor, Path.ChangeExtension(notebook, ".html"));
        Assert.True(File.Exists(handout), $"{handout} is missing: run .ci/handouts");
        var found = ExerciseRules.SolutionLeaks(source, ExerciseRules.PageText(File.ReadAllText(handout)), "the instructor's handout");
        Assert.True(found.Count == lines.Count, $"{notebook}: the instructor's handout shows {found.Count} of {lines.Count} solution lines; missing:\n - "
            + string.Join("\n - ", lines.Where(l => !found.Any(f => f.Contains(l, StringComparison.Ordinal)))));
    }

    [Fact]
    public void Readme_CountsTheExercisesAndQuestionsThatAreThere()
    {
        var readme = Repo.Read("README.md");
        var chapters = Repo.NotebookNames().Select(Load).ToList();
        var exercises = chapters.Select(nb => ExerciseRules.ExerciseNumbers(nb).Count).ToList();
        var questions = chapters.Select(ExerciseRules.QuestionCount).ToList();
        Assert.Equal(exercises, TableRow(readme, "checked exercises"));
        Assert.Equal(questions, TableRow(readme, "questions (answered in the instructor's edition)"));
        Assert.Contains($"{exercises.Sum()} exercises and {questions.Sum()} questions in all", readme, StringComparison.Ordinal);
    }

    private static List<int> TableRow(string markdown, string label)
    {
        var line = markdown.Split('\n').FirstOrDefault(l => l.StartsWith($"| {label} |", StringComparison.Ordinal));
        Assert.True(line is not null, $"README.md has no table row \"{label}\"");
        return line!.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1)
            .Select(cell => int.Parse(cell, System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    // The rules on a hand-made chapter: the good one passes, and each way of breaking it is caught.

    private static readonly string[] Tasks = ["add", "sub", "mul", "div", "neg"];

    private static NotebookDocument Chapter(Action<JsonArray>? change = null)
    {
        return Good(root =>
        {
            var cells = Cells(root);
            for (int k = 1; k <= Tasks.Length; k++)
            {
                cells.Add(Markdown($"t{k}", $"### Exercise 1.{k}: {Tasks[k - 1]}\nWrite it."));
                cells.Add(Code($"e{k}", $"float {Tasks[k - 1]}(float a, float b) => throw new NotImplementedException();", "exercise"));
                cells.Add(Code($"s{k}", $"float {Tasks[k - 1]}(float a, float b) => MathF.FusedMultiplyAdd(a, {k}f, b);", "solution"));
                cells.Add(Code($"k{k}", $"Chapter1.Check{Tasks[k - 1]}({Tasks[k - 1]})", "check"));
            }
            var questions = string.Join("\n", Enumerable.Range(1, 15).Select(i => $"{i}. Question {i}?"));
            cells.Add(Tagged(Markdown("q", "## Questionnaire\n\n" + questions), "questionnaire"));
            var answers = string.Join("\n", Enumerable.Range(1, 15).Select(i => $"{i}. Answer {i} is a sentence long enough to count as one."));
            cells.Add(Tagged(Markdown("a", "### Answers\n\n" + answers), "solution"));
            change?.Invoke(cells);
        });
    }

    private static JsonObject Tagged(JsonObject cell, string tag)
    {
        cell["metadata"]!["tags"] = new JsonArray(tag);
        return cell;
    }

    [Fact]
    public void Rules_AcceptAWellFormedChapter()
    {
        var nb = Chapter();
        Assert.Empty(ExerciseRules.Exercises(nb));
        Assert.Empty(ExerciseRules.Questionnaire(nb));
        Assert.Equal(["1.1", "1.2", "1.3", "1.4", "1.5"], ExerciseRules.ExerciseNumbers(nb));
    }

    [Fact]
    public void Rules_CatchTooFewExercisesAndAMissingSolution()
    {
        var nb = Chapter(cells =>
        {
            foreach (var id in new[] { "t5", "e5", "s5", "k5", "s2" })
                cells.Remove(cells.First(c => c!["id"]!.GetValue<string>() == id));
        });
        var problems = ExerciseRules.Exercises(nb);
        Assert.Contains(problems, p => p.Contains("4 exercise(s)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("exercise 1.2: cell", StringComparison.Ordinal) && p.Contains("solution", StringComparison.Ordinal));
    }

    [Fact]
    public void Rules_CatchAWrongNumberAStubWithoutPlaceholderAndACheckThatIsNotACall()
    {
        var nb = Chapter(cells =>
        {
            cells.First(c => c!["id"]!.GetValue<string>() == "t3")!["source"] = new JsonArray("### Exercise 1.7: mul\n");
            cells.First(c => c!["id"]!.GetValue<string>() == "e1")!["source"] = new JsonArray("float add(float a, float b) => 0;");
            cells.First(c => c!["id"]!.GetValue<string>() == "k4")!["source"] = new JsonArray("Console.WriteLine(div(1, 2));");
        });
        var problems = ExerciseRules.Exercises(nb);
        Assert.Contains(problems, p => p.Contains("numbered 1.7", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("exercise 1.1: the stub holds no placeholder", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("exercise 1.4: the check cell should be one call", StringComparison.Ordinal));
    }

    [Fact]
    public void Rules_CatchAStrayTaggedCell()
    {
        var nb = Chapter(cells => cells.Insert(3, Code("stray", "var answer = 42;", "solution")));
        Assert.Contains(ExerciseRules.Exercises(nb), p => p.Contains("\"var answer = 42;\" is tagged solution but is not part of an exercise", StringComparison.Ordinal));
    }

    [Fact]
    public void Rules_CatchAShortQuestionnaireAndAnswersThatDoNotMatch()
    {
        var nb = Chapter(cells =>
        {
            cells.First(c => c!["id"]!.GetValue<string>() == "q")!["source"] = new JsonArray("## Questionnaire\n1. One?\n2. Two?\n");
            cells.First(c => c!["id"]!.GetValue<string>() == "a")!["source"] = new JsonArray("### Answers\n1. Only one answer, long enough to be a line.\n");
        });
        var problems = ExerciseRules.Questionnaire(nb);
        Assert.Contains(problems, p => p.Contains("2 numbered question(s)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("answers are numbered 1; the questions 1, 2", StringComparison.Ordinal));
    }

    [Fact]
    public void LeakSearch_FindsSolutionCodeAndAnswersInAPageButNotTheStubs()
    {
        var nb = Chapter();
        var lines = ExerciseRules.DistinctiveLines(nb);
        Assert.Contains("float mul(float a, float b) => MathF.FusedMultiplyAdd(a, 3f, b);", lines);
        Assert.Contains("Answer 7 is a sentence long enough to count as one.", lines);
        Assert.DoesNotContain(lines, l => l.Contains("NotImplementedException", StringComparison.Ordinal));

        // A line the learner sees anyway, inside a longer one or across a line break of the chapter, is no leak.
        var quoting = Chapter(cells =>
        {
            cells.Add(Markdown("prose", "As the chapter says, every\nsentence long enough to count as one is worth reading."));
            cells.Add(Code("given", "float mul(float a, float b) => MathF.FusedMultiplyAdd(a, 3f, b); // a hint given in full"));
        });
        var quoted = ExerciseRules.DistinctiveLines(quoting);
        Assert.DoesNotContain("float mul(float a, float b) => MathF.FusedMultiplyAdd(a, 3f, b);", quoted);
        Assert.Contains("float add(float a, float b) => MathF.FusedMultiplyAdd(a, 1f, b);", quoted);

        // As the handout shows code: one span per token, an entity for a character.
        var page = "<html><script>var x = 'Answer 1 is a sentence long enough to count as one.';</script><body>" +
                   "<span class=\"kt\">float</span> <span class=\"n\">mul</span>(float a, float b) =&gt; MathF.FusedMultiplyAdd(a, 3f, b);" +
                   "<ol><li>Answer <b>7</b> is a sentence long enough to count as one.</li></ol></body></html>";
        var leaks = ExerciseRules.SolutionLeaks(nb, ExerciseRules.PageText(page), "page");
        Assert.Equal(2, leaks.Count);
        Assert.Contains(leaks, l => l.Contains("FusedMultiplyAdd(a, 3f, b)", StringComparison.Ordinal));
        Assert.Contains(leaks, l => l.Contains("Answer 7", StringComparison.Ordinal));
        Assert.Empty(ExerciseRules.SolutionLeaks(nb, ExerciseRules.PageText("<p>float mul(float a, float b) => throw new NotImplementedException();</p>"), "page"));
    }
}
