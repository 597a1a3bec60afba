namespace Foundations;

/// <summary>
/// Modules run in order; backward runs them in reverse. Each module's output is the next one's
/// input (the same tensor), so the gradient one writes on its input is the next one's output gradient.
/// </summary>
public sealed class Sequential : Module
{
    private readonly Module[] modules;

    public Sequential(params Module[] modules)
    {
        Require.NotNull(modules, "Sequential");
        if (Array.IndexOf(modules, null) is var at and >= 0) throw new ArgumentNullException(nameof(modules), $"Sequential: module {at} is null.");
        if (modules.Length == 0) throw new ArgumentException("Sequential: needs at least one module.");
        if (modules.Distinct().Count() != modules.Length)
            throw new ArgumentException("Sequential: the same module instance appears twice; each position needs its own (it keeps its own input and output). To apply one layer twice, give the second position a layer over the same tensors, e.g. new Lin(lin.W, lin.B): their gradients add up.");
        this.modules = modules;
    }

    public IReadOnlyList<Module> Modules => modules;

    public override string Name => "Sequential(" + string.Join(", ", modules.Select(m => m.Name)) + ")";

    protected override Tensor Compute(Tensor inp)
    {
        var x = inp;
        foreach (var module in modules) x = module.Forward(x);
        return x;
    }

    protected override void ComputeGradients(Tensor inp, Tensor outGrad)
    {
        for (int i = modules.Length - 1; i >= 0; i--) modules[i].Backward();
    }

    /// <summary>Every module's parameters in order, named "Lin(784, 50)'s W"; a tensor shared by two modules is listed once, as in PyTorch.</summary>
    public override IEnumerable<(string Name, Tensor Parameter)> NamedParameters() =>
        modules.SelectMany(m => m.NamedParameters().Select(p => ($"{m.Name}'s {p.Name}", p.Parameter)))
            .DistinctBy(p => p.Parameter, ReferenceEqualityComparer.Instance);

    public override IEnumerable<Tensor> Parameters() =>
        modules.SelectMany(m => m.Parameters()).Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>();
}
