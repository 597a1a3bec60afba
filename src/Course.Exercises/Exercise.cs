using System.Globalization;

namespace Course.Exercises;

/// <summary>Where a learner's answer stands.</summary>
public enum ExerciseStatus
{
    /// <summary>The answer is still the placeholder: a <c>null</c> value, or code that throws <see cref="NotImplementedException"/>.</summary>
    NotAttempted,
    /// <summary>The answer was tried and at least one case came out wrong.</summary>
    NotYetRight,
    /// <summary>Every case came out right.</summary>
    Correct,
}

/// <summary>
/// What a check cell shows: the exercise's number, its status and, when it is not right, what went
/// wrong in words a learner can act on. The first line always reads
/// <c>Exercise 2.1: correct</c>, <c>Exercise 2.1: not attempted yet</c> or
/// <c>Exercise 2.1: not right yet</c>; the notebook pipeline reads it to check both editions.
/// </summary>
public sealed record ExerciseResult
{
    public ExerciseResult(string exercise, ExerciseStatus status, string message)
    {
        Exercise = exercise ?? throw new ArgumentNullException(nameof(exercise), "ExerciseResult: the exercise's number is required.");
        Status = status;
        Message = message ?? throw new ArgumentNullException(nameof(message), "ExerciseResult: the message is required (empty when there is nothing to say).");
    }

    /// <summary>The exercise's number, "chapter.exercise" (e.g. "2.1").</summary>
    public string Exercise { get; }

    public ExerciseStatus Status { get; }

    /// <summary>What went wrong, or what to do next; may be empty.</summary>
    public string Message { get; }

    /// <summary>The words of each status on the first line.</summary>
    public static string StatusText(ExerciseStatus status) => status switch
    {
        ExerciseStatus.Correct => "correct",
        ExerciseStatus.NotAttempted => "not attempted yet",
        _ => "not right yet",
    };

    public override string ToString() =>
        $"Exercise {Exercise}: {StatusText(Status)}" + (Message.Length > 0 ? "\n" + Message : "");
}

/// <summary>Thrown by a check when an answer is wrong; its message is what the learner reads.</summary>
public sealed class WrongAnswerException(string message) : Exception(message);

/// <summary>Thrown by a check when the answer is still the placeholder.</summary>
public sealed class NotAttemptedException(string message) : Exception(message);

/// <summary>
/// The machinery behind every chapter's checks (<c>Chapter1</c> … in this namespace). A check runs the
/// learner's answer on several cases inside <see cref="Run"/>, which turns what happened into an
/// <see cref="ExerciseResult"/>: a placeholder becomes "not attempted yet", a failed expectation or an
/// exception from the learner's code becomes "not right yet" with its message, so a notebook's Run All
/// always reaches the end. The expectations below say what was given, what was expected and what came
/// back; they never print how to compute the answer.
/// </summary>
public static class Exercise
{
    /// <summary>Runs <paramref name="check"/> and reports how it went as exercise <paramref name="id"/> (e.g. "2.1").</summary>
    public static ExerciseResult Run(string id, Action check, string whenCorrect = "")
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(whenCorrect);
        try
        {
            check();
            return new ExerciseResult(id, ExerciseStatus.Correct, whenCorrect);
        }
        catch (NotAttemptedException e)
        {
            return new ExerciseResult(id, ExerciseStatus.NotAttempted, e.Message);
        }
        catch (NotImplementedException)
        {
            return new ExerciseResult(id, ExerciseStatus.NotAttempted, "Replace the placeholder (`throw new NotImplementedException()`) with your code, run that cell, then run this one again.");
        }
        catch (WrongAnswerException e)
        {
            return new ExerciseResult(id, ExerciseStatus.NotYetRight, e.Message);
        }
        catch (Exception e)
        {
            return new ExerciseResult(id, ExerciseStatus.NotYetRight,
                $"Your code threw {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>The answer itself, or "not attempted" when it is still <c>null</c>.</summary>
    public static T Given<T>(T? answer, string what) where T : class =>
        answer ?? throw new NotAttemptedException($"Set {what} (it is still null), run that cell, then run this one again.");

    /// <summary>The answer itself, or "not attempted" when it is still <c>null</c>.</summary>
    public static T Given<T>(T? answer, string what) where T : struct =>
        answer ?? throw new NotAttemptedException($"Set {what} (it is still null), run that cell, then run this one again.");

    /// <summary>Fails the check with <paramref name="message"/>, followed by the hint when there is one.</summary>
    public static void Fail(string message, string? hint = null) =>
        throw new WrongAnswerException(hint is null ? message : $"{message}\nHint: {hint}");

    /// <summary>Fails unless <paramref name="condition"/> holds.</summary>
    public static void Expect(bool condition, string message, string? hint = null)
    {
        if (!condition) Fail(message, hint);
    }

    /// <summary>Fails unless two values are equal, saying which case, what was expected and what came back.</summary>
    public static void ExpectEqual<T>(T actual, T expected, string what, string? hint = null)
    {
        if (!EqualityComparer<T>.Default.Equals(actual, expected))
            Fail($"{what}: expected {Show(expected)}, got {Show(actual)}.", hint);
    }

    /// <summary>Fails unless a number is within <paramref name="tolerance"/> (absolute) of the expected one.</summary>
    public static void ExpectClose(double actual, double expected, double tolerance, string what, string? hint = null)
    {
        if (!(Math.Abs(actual - expected) <= tolerance))
            Fail($"{what}: expected {Show(expected)} (give or take {Show(tolerance)}), got {Show(actual)}.", hint);
    }

    /// <summary>Fails unless the shape is the expected one.</summary>
    public static void ExpectShape(int[]? actual, int[] expected, string what, string? hint = null)
    {
        if (actual is null)
            Fail($"{what}: expected shape {Shapes.Format(expected)}, got null.", hint);
        else if (!actual.AsSpan().SequenceEqual(expected))
            Fail($"{what}: expected shape {Shapes.Format(expected)}, got {Shapes.Format(actual)}.", hint);
    }

    /// <summary>
    /// Fails unless <paramref name="actual"/> has the expected shape and values (within atol + rtol·|expected|),
    /// naming the first element that differs by its index and both values.
    /// </summary>
    public static void ExpectClose(Tensor? actual, Tensor expected, string what, double rtol = 1e-4, double atol = 1e-4, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (actual is null)
        {
            Fail($"{what}: expected a tensor of shape {expected.ShapeString}, got null.", hint);
            return;
        }
        ExpectShape(actual.Shape, expected.Shape, what, hint);
        var c = Check.Compare(actual, expected, rtol, atol);
        if (!c.Close)
            Fail($"{what}: the values differ; at {IndexText(c.WorstIndex, expected.Shape)} expected {Show(c.WorstExpected)}, got {Show(c.WorstActual)}.", hint);
    }

    /// <summary>
    /// Fails with <paramref name="message"/> unless <paramref name="tensor"/> still holds exactly the values of
    /// <paramref name="before"/> (a copy taken before the learner's code ran; NaN matches NaN): the code wrote into an input.
    /// </summary>
    public static void ExpectUnchanged(Tensor tensor, Tensor before, string message, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(before);
        if (!Check.Compare(tensor, before, 0, 0, equalNan: true).Exact) Fail(message, hint);
    }

    /// <summary>Whether <paramref name="actual"/> has the shape of <paramref name="expected"/> and its values within atol + rtol·|expected|; false for null.</summary>
    public static bool Close(Tensor? actual, Tensor expected, double rtol, double atol) =>
        actual is not null && Check.Compare(actual, expected, rtol, atol).Close;

    /// <summary>Whether a number is within atol + rtol·|expected| of the expected one.</summary>
    public static bool Near(double actual, double expected, double rtol, double atol = 1e-12) =>
        Math.Abs(actual - expected) <= atol + rtol * Math.Abs(expected);

    /// <summary>A tensor of <paramref name="t"/>'s shape whose elements are f(t_i), computed in double precision.</summary>
    public static Tensor Map(Tensor t, Func<double, double> f)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(f);
        return Tensor.FromArray(t.ToArray().Select(v => (float)f(v)).ToArray(), t.Shape);
    }

    /// <summary>A tensor of <paramref name="x"/>'s shape whose elements are f(x_i, y_i), computed in double precision.</summary>
    public static Tensor Map(Tensor x, Tensor y, Func<double, double, double> f)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(f);
        var (xs, ys) = (x.ToArray(), y.ToArray());
        return Tensor.FromArray(xs.Select((v, i) => (float)f(v, ys[i])).ToArray(), x.Shape);
    }

    /// <summary>A flat index as a multi-index, [1, 2], for a message.</summary>
    public static string IndexText(int flat, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0) return "the single element";
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return "[" + string.Join(", ", index) + "]";
    }

    /// <summary>A value for a message: numbers with up to 6 significant digits, arrays in brackets.</summary>
    public static string Show(object? value) => value switch
    {
        null => "null",
        // -0 reads as a different number to a learner; it is 0.
        float f => (f == 0 ? 0f : f).ToString("g6", CultureInfo.InvariantCulture),
        double d => (d == 0 ? 0d : d).ToString("g6", CultureInfo.InvariantCulture),
        int[] shape => "[" + string.Join(", ", shape) + "]",
        float[] values => "[" + string.Join(", ", values.Select(v => Show(v))) + "]",
        double[] values => "[" + string.Join(", ", values.Select(v => Show(v))) + "]",
        string s => $"\"{s}\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
