namespace Foundations;

/// <summary>
/// A layer with a forward pass and a hand-written backward pass. <see cref="Forward"/> keeps its
/// input and output; <see cref="Backward"/> reads the gradient already written on the output
/// (<c>Out.Grad</c>, by the layer after it or by the loss) and writes gradients on the input and
/// on every parameter.
/// </summary>
/// <remarks>
/// Gradients are overwritten, not accumulated: each backward pass replaces <c>Grad</c>, so calling
/// it twice gives the same gradients (PyTorch accumulates into <c>.grad</c> until you zero it).
/// </remarks>
public abstract class Module
{
    /// <summary>The input of the last forward pass (the article's <c>self.inp</c>).</summary>
    public Tensor? Inp { get; private set; }

    /// <summary>The output of the last forward pass (the article's <c>self.out</c>).</summary>
    public Tensor? Out { get; private set; }

    /// <summary>A short name for tables and charts, e.g. "Lin(784, 50)".</summary>
    public virtual string Name => GetType().Name;

    public Tensor Forward(Tensor inp)
    {
        ArgumentNullException.ThrowIfNull(inp);
        Inp = inp;
        Out = Compute(inp);
        return Out;
    }

    public void Backward()
    {
        if (Inp is null || Out is null)
            throw new InvalidOperationException($"{Name}.Backward: call Forward first.");
        if (Out.Grad is null)
            throw new InvalidOperationException($"{Name}.Backward: the output has no gradient yet; run the backward pass of the loss (or of the next layer) first.");
        ComputeGradients(Inp, Out.Grad);
    }

    /// <summary>The forward computation.</summary>
    protected abstract Tensor Compute(Tensor inp);

    /// <summary>Writes <c>inp.Grad</c> and each parameter's <c>Grad</c> from dL/d(out).</summary>
    protected abstract void ComputeGradients(Tensor inp, Tensor outGrad);

    /// <summary>The tensors an optimiser updates.</summary>
    public virtual IEnumerable<Tensor> Parameters() => [];

    public override string ToString() => Name;
}
