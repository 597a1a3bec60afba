namespace Foundations;

/// <summary>
/// Plain stochastic gradient descent: p = p - lr * p.Grad, in place. Backward passes add to
/// <c>Grad</c>, so call <see cref="ZeroGrad"/> after each step (as PyTorch's <c>opt.zero_grad()</c>).
/// A tensor listed twice (a weight shared by two layers) is stepped once.
/// </summary>
public sealed class Sgd
{
    private readonly Tensor[] parameters;
    private float lr;

    public Sgd(IEnumerable<Tensor> parameters, float lr)
    {
        Require.NotNull(parameters, "Sgd");
        var listed = parameters.ToArray();
        int nullAt = Array.IndexOf(listed, null);
        if (nullAt >= 0) throw new ArgumentException($"Sgd: parameter {nullAt} is null.", nameof(parameters));
        this.parameters = listed.Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>().ToArray();
        Lr = lr;
    }

    /// <summary>The learning rate: finite and not negative (0 freezes the parameters).</summary>
    public float Lr
    {
        get => lr;
        set
        {
            if (!float.IsFinite(value) || value < 0)
                throw new ArgumentOutOfRangeException(nameof(value), $"Sgd: the learning rate must be finite and not negative, got {value}.");
            lr = value;
        }
    }

    public void Step()
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (p.Grad is null) throw new InvalidOperationException($"Sgd.Step: parameter {i} of shape {p.ShapeString} has no gradient; run Backward first.");
            // AddInPlace would broadcast a (1, n) gradient over an (m, n) parameter; a gradient always has its parameter's shape.
            if (!p.Grad.shape.AsSpan().SequenceEqual(p.shape))
                throw new InvalidOperationException($"Sgd.Step: parameter {i} has shape {p.ShapeString} but its gradient has shape {p.Grad.ShapeString}.");
            p.AddInPlace(p.Grad, -Lr);
        }
    }

    /// <summary>
    /// Sets every parameter's <c>Grad</c> to null (PyTorch's <c>zero_grad(set_to_none=True)</c>, its default
    /// since 2.0): the next backward pass starts the sums afresh, and a step without one fails loudly.
    /// With <paramref name="setToNone"/> false, each existing <c>Grad</c> is filled with zeros instead and
    /// kept, so the next pass adds into the same tensor and allocates none (PyTorch's <c>set_to_none=False</c>).
    /// A tensor read from <c>Grad</c> earlier is then that same tensor: copy it (<c>Clone()</c>) to keep it.
    /// </summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in parameters)
        {
            if (setToNone) p.Grad = null;
            else p.Grad?.Fill(0f);
        }
    }
}
