namespace Foundations;

/// <summary>
/// Plain stochastic gradient descent: p = p - lr * p.Grad, in place. Backward passes add to
/// <c>Grad</c>, so call <see cref="ZeroGrad"/> after each step (as PyTorch's <c>opt.zero_grad()</c>).
/// A tensor listed twice (a weight shared by two layers) is stepped once.
/// </summary>
public sealed class Sgd(IEnumerable<Tensor> parameters, float lr)
{
    private readonly Tensor[] parameters = parameters.Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>().ToArray();

    public float Lr { get; set; } = lr;

    public void Step()
    {
        foreach (var p in parameters)
        {
            if (p.Grad is null) throw new InvalidOperationException($"Sgd.Step: a parameter of shape {p.ShapeString} has no gradient; run Backward first.");
            p.AddInPlace(p.Grad, -Lr);
        }
    }

    /// <summary>
    /// Sets every parameter's <c>Grad</c> to null (PyTorch's <c>zero_grad(set_to_none=True)</c>, its default
    /// since 2.0): the next backward pass starts the sums afresh, and a step without one fails loudly.
    /// </summary>
    public void ZeroGrad()
    {
        foreach (var p in parameters) p.Grad = null;
    }
}
