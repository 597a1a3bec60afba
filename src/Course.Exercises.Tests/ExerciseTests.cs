using Foundations.Interactive;

namespace Course.Exercises.Tests;

/// <summary>The machinery every chapter's checks share: placeholders, wrong answers and crashes each become the right status and words.</summary>
public sealed class ExerciseTests
{
    [Fact]
    public void Run_WhenTheCheckPasses_SaysCorrect()
    {
        var result = Exercise.Run("1.1", () => Exercise.ExpectEqual(2 + 2, 4, "2 + 2"));

        Assert.Equal(ExerciseStatus.Correct, result.Status);
        Assert.StartsWith("Exercise 1.1: correct", result.ToString());
    }

    [Fact]
    public void Run_WhenTheLearnersCodeIsThePlaceholder_SaysNotAttempted()
    {
        Func<int, int> stub = _ => throw new NotImplementedException();

        var result = Exercise.Run("1.2", () => Exercise.ExpectEqual(stub(3), 9, "square(3)"));

        Assert.Equal(ExerciseStatus.NotAttempted, result.Status);
        Assert.StartsWith("Exercise 1.2: not attempted yet", result.ToString());
    }

    [Fact]
    public void Run_WhenTheAnswerIsStillNull_SaysNotAttemptedAndNamesIt()
    {
        int? layer = null;

        var result = Exercise.Run("4.1", () => Exercise.ExpectEqual(Exercise.Given(layer, "firstInfiniteLayer"), 7, "the layer"));

        Assert.Equal(ExerciseStatus.NotAttempted, result.Status);
        Assert.Contains("firstInfiniteLayer", result.Message);
    }

    [Fact]
    public void Run_WhenAValueIsWrong_SaysWhatWasExpectedAndWhatCameBack()
    {
        var result = Exercise.Run("2.1", () => Exercise.ExpectEqual(5, 4, "rows of the product", hint: "count the rows of a"));

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.StartsWith("Exercise 2.1: not right yet", result.ToString());
        Assert.Contains("expected 4, got 5", result.Message);
        Assert.Contains("Hint: count the rows of a", result.Message);
    }

    [Fact]
    public void Run_WhenTheLearnersCodeThrows_NamesTheException()
    {
        var result = Exercise.Run("2.2", () => throw new IndexOutOfRangeException("Index was outside the bounds of the array."));

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("IndexOutOfRangeException", result.Message);
    }

    [Fact]
    public void ExpectClose_OnTensors_NamesTheShapeWhenItDiffers()
    {
        var result = Exercise.Run("2.3", () => Exercise.ExpectClose(Tensor.Zeros(3, 2), Tensor.Zeros(2, 3), "a (2×4) times b (4×3)"));

        Assert.Contains("expected shape (2, 3), got (3, 2)", result.Message);
    }

    [Fact]
    public void ExpectClose_OnTensors_NamesTheFirstElementThatDiffers()
    {
        var expected = Tensor.From(1f, 2f, 3f, 4f).Reshape(2, 2);
        var actual = Tensor.From(1f, 2f, 3f, 5f).Reshape(2, 2);

        var result = Exercise.Run("2.4", () => Exercise.ExpectClose(actual, expected, "the product"));

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("at [1, 1] expected 4, got 5", result.Message);
    }

    [Fact]
    public void ExpectClose_OnTensors_PassesWithinTolerance()
    {
        var result = Exercise.Run("2.5", () => Exercise.ExpectClose(Tensor.From(1.00001f), Tensor.From(1f), "x"));

        Assert.Equal(ExerciseStatus.Correct, result.Status);
    }

    [Fact]
    public void Show_WritesNegativeZeroAsZero_AndArraysInBrackets()
    {
        Assert.Equal("0", Exercise.Show(-0f));
        Assert.Equal("0", Exercise.Show(-0d));
        Assert.Equal("[1.5, 0, -2]", Exercise.Show(new[] { 1.5f, -0f, -2f }));
        Assert.Equal("[0.25, 3]", Exercise.Show(new[] { 0.25, 3.0 }));
    }

    [Theory]
    [InlineData(ExerciseStatus.Correct, "Exercise 3.1: correct", "#2e7d32")]
    [InlineData(ExerciseStatus.NotAttempted, "Exercise 3.1: not attempted yet", "#757575")]
    [InlineData(ExerciseStatus.NotYetRight, "Exercise 3.1: not right yet", "#b26a00")]
    public void Html_CarriesTheSameFirstLine(ExerciseStatus status, string heading, string colour)
    {
        var html = ExerciseHtml.Render(new ExerciseResult("3.1", status, "a <b> message"));

        Assert.Contains($"<strong>{heading}</strong>", html);
        Assert.Contains(colour, html);
        Assert.Contains("a &lt;b&gt; message", html);
    }
}
