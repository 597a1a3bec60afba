namespace Foundations;

/// <summary>
/// Records each layer's output mean and std on every forward pass, as plain data for charts and
/// tables. Attach it to a <see cref="Sequential"/>, or call <see cref="Record"/> yourself.
/// </summary>
public sealed class ActivationStats
{
    private readonly List<LayerStat> records = [];

    public IReadOnlyList<LayerStat> Records => records;

    /// <summary>Mean and std (unbiased) in double precision; an overflowing layer gives Inf or NaN, on purpose.</summary>
    public static (double Mean, double Std) Of(Tensor activations)
    {
        Require.NotNull(activations, "ActivationStats.Of");
        var values = activations.ToArray();
        if (values.Length == 0) throw new ArgumentException($"ActivationStats.Of: the tensor is empty (shape {activations.ShapeString}).");
        double mean = 0;
        foreach (float v in values) mean += v;
        mean /= values.Length;
        double squares = 0;
        foreach (float v in values) squares += (v - mean) * (v - mean);
        return (mean, values.Length > 1 ? Math.Sqrt(squares / (values.Length - 1)) : double.NaN);
    }

    public LayerStat Record(int step, int layer, string name, Tensor activations)
    {
        Require.NotNull(name, "ActivationStats.Record");
        var (mean, std) = Of(activations);
        var stat = new LayerStat(step, layer, name, mean, std);
        records.Add(stat);
        return stat;
    }

    /// <summary>The records of one forward pass, in layer order.</summary>
    public IReadOnlyList<LayerStat> AtStep(int step) => records.Where(r => r.Step == step).OrderBy(r => r.Layer).ToList();

    /// <summary>One layer's records across steps.</summary>
    public IReadOnlyList<LayerStat> ForLayer(int layer) => records.Where(r => r.Layer == layer).OrderBy(r => r.Step).ToList();

    public void Clear() => records.Clear();
}
