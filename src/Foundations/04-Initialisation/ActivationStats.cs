namespace Foundations;

/// <summary>
/// Records the mean and std of layers' outputs, as plain data for charts and tables. Layers are
/// numbered as in every chapter: layer 0 is the input, layer k the output of the k-th layer. Give it
/// the modules to watch: it puts a forward hook on each, and a forward pass of the first module adds
/// a row for its input (layer 0, named "input") and one for its output (layer 1); module k adds
/// layer k. A step is one pass through the watched modules: it ends when a module that has already
/// recorded in it runs again. Or create it with no modules and call <see cref="Record"/> yourself.
/// Dispose it to remove the hooks; the records stay.
/// </summary>
public sealed class ActivationStats : IDisposable
{
    private readonly List<LayerStat> records = [];
    private readonly List<ForwardHookHandle> hooks = [];
    private readonly int[] lastStepOf;
    private int step = -1;

    /// <summary>The name of layer 0, the first watched module's input.</summary>
    public const string InputName = "input";

    /// <summary>Hooks each of <paramref name="modules"/>; the k-th (counting from 1) is layer k in the records.</summary>
    public ActivationStats(params IEnumerable<Module> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        var watched = modules.ToArray();
        if (watched.Any(m => m is null))
            throw new ArgumentException("ActivationStats: a module in the list is null.", nameof(modules));
        if (watched.Distinct().Count() != watched.Length)
            throw new ArgumentException("ActivationStats: the same module appears twice; each layer needs its own module.", nameof(modules));
        lastStepOf = new int[watched.Length];
        Array.Fill(lastStepOf, -1);
        for (int i = 0; i < watched.Length; i++)
        {
            int module = i;
            hooks.Add(watched[i].RegisterForwardHook((source, input, output) =>
            {
                if (Paused) return;
                // A module that already has a row in this step starts the next one, so a pass that
                // failed halfway leaves a short step behind instead of shifting every later one.
                if (lastStepOf[module] == step) step++;
                lastStepOf[module] = step;
                if (module == 0) Record(step, 0, InputName, input);
                Record(step, module + 1, source.Name, output);
            }));
        }
    }

    public IReadOnlyList<LayerStat> Records => records;

    /// <summary>While true the hooks record nothing: set it around passes that are not training steps, such as evaluation.</summary>
    public bool Paused { get; set; }

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

    /// <summary>Removes the hooks from the modules; the records stay readable.</summary>
    public void Dispose()
    {
        foreach (var hook in hooks) hook.Remove();
        hooks.Clear();
    }
}
