namespace Foundations.Interactive;

/// <summary>
/// Values as a chart can draw them. An exploding initialisation yields Inf and NaN, and a log axis
/// cannot show zero or negatives; such points become gaps (JSON null) and are counted, so the
/// chart can say that it has gaps rather than silently dropping points.
/// </summary>
internal sealed class PlotValues
{
    public bool NonFiniteGaps { get; private set; }
    public bool NonPositiveGaps { get; private set; }

    public double?[] Convert(IEnumerable<double> values, bool logAxis) => values.Select(v => Convert(v, logAxis)).ToArray();

    public double? Convert(double value, bool logAxis)
    {
        if (!double.IsFinite(value)) { NonFiniteGaps = true; return null; }
        if (logAxis && value <= 0) { NonPositiveGaps = true; return null; }
        return value;
    }

    /// <summary>The note a chart shows when it has gaps, e.g. "gaps: non-finite values"; null when it has none.</summary>
    public string? GapNote()
    {
        var reasons = new List<string>();
        if (NonFiniteGaps) reasons.Add("non-finite values");
        if (NonPositiveGaps) reasons.Add("values ≤ 0 on a log axis");
        return reasons.Count == 0 ? null : "gaps: " + string.Join(" and ", reasons);
    }
}
