namespace Foundations;

/// <summary>Plain stochastic gradient descent: p = p - lr * p.Grad, in place.</summary>
public sealed class Sgd(IEnumerable<Tensor> parameters, float lr)
{
    private readonly Tensor[] parameters = parameters.ToArray();

    public float Lr { get; set; } = lr;

    public void Step()
    {
        foreach (var p in parameters)
        {
            if (p.Grad is null) throw new InvalidOperationException($"Sgd.Step: a parameter of shape {p.ShapeString} has no gradient; run Backward first.");
            p.AddInPlace(p.Grad, -Lr);
        }
    }

    /// <summary>Forgets the gradients, so a step without a new backward pass fails loudly.</summary>
    public void ZeroGrad()
    {
        foreach (var p in parameters) p.Grad = null;
    }
}
