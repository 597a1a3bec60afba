namespace Foundations;

/// <summary>Thrown by a failed <see cref="Check"/>, so a wrong result stops a notebook run.</summary>
public sealed class CheckFailedException(string message) : Exception(message);

/// <summary>
/// Assertions for notebooks: every new version of a function is checked against the previous
/// one before we move on (fastai's <c>test_close</c>).
/// </summary>
public static class Check
{
    /// <summary>
    /// Throws unless shapes match and |actual - expected| &lt;= atol + rtol·|expected| everywhere.
    /// NaN matches nothing, not even NaN, unless <paramref name="equalNan"/> is set (as <c>torch.allclose</c>).
    /// </summary>
    public static void TestClose(Tensor actual, Tensor expected, double rtol = 1e-4, double atol = 1e-5, string what = "values", bool equalNan = false)
    {
        var c = Compare(actual, expected, rtol, atol, equalNan: equalNan);
        if (!c.ShapesMatch)
            throw new CheckFailedException($"TestClose: {what}: shapes differ, {actual.ShapeString} vs {expected.ShapeString}.");
        if (!c.Close)
            throw new CheckFailedException($"TestClose: {what} differ at flat index {c.WorstIndex}: {c.WorstActual} vs {c.WorstExpected} " +
                $"(max |diff| {c.MaxDiff:g4}, allowed {atol:g2} + {rtol:g2}·|expected|).");
    }

    public static void TestClose(double actual, double expected, double rtol = 1e-4, double atol = 1e-5, string what = "value")
    {
        if (!(Math.Abs(actual - expected) <= atol + rtol * Math.Abs(expected)))
            throw new CheckFailedException($"TestClose: {what}: {actual} vs {expected} (|diff| {Math.Abs(actual - expected):g4}, allowed {atol:g2} + {rtol:g2}·|expected|).");
    }

    /// <summary>Throws unless <paramref name="condition"/> holds.</summary>
    public static void That(bool condition, string message)
    {
        if (!condition) throw new CheckFailedException(message);
    }

    /// <summary>Exact / close / max-difference of two tensors, one row of a gradient table.</summary>
    public static Comparison Compare(Tensor actual, Tensor expected, double rtol = 1e-4, double atol = 1e-5, string name = "", bool equalNan = false)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        if (!actual.shape.AsSpan().SequenceEqual(expected.shape))
            return new Comparison(name, false, false, false, double.PositiveInfinity, -1, float.NaN, float.NaN);
        var a = actual.ToArray();
        var e = expected.ToArray();
        bool exact = true, close = true;
        double maxDiff = 0;
        int worst = -1;
        double worstExcess = double.NegativeInfinity;
        for (int i = 0; i < a.Length; i++)
        {
            double diff = Math.Abs((double)a[i] - e[i]);
            bool same = a[i] == e[i] || (equalNan && float.IsNaN(a[i]) && float.IsNaN(e[i]));
            exact &= same;
            bool ok = same || diff <= atol + rtol * Math.Abs(e[i]);
            close &= ok;
            if (!same && double.IsNaN(diff)) diff = double.PositiveInfinity;
            if (diff > maxDiff) maxDiff = diff;
            double excess = same ? double.NegativeInfinity : diff - (atol + rtol * Math.Abs(e[i]));
            // A NaN on either side is as far off as it gets (inf - NaN would compare as nothing).
            if (double.IsNaN(excess)) excess = double.PositiveInfinity;
            if (excess > worstExcess) { worstExcess = excess; worst = i; }
        }
        return new Comparison(name, true, exact, close, maxDiff, worst,
            worst >= 0 ? a[worst] : float.NaN, worst >= 0 ? e[worst] : float.NaN);
    }

    public sealed record Comparison(string Name, bool ShapesMatch, bool Exact, bool Close, double MaxDiff,
        int WorstIndex, float WorstActual, float WorstExpected);
}
