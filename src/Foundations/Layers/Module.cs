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

    /// <summary>
    /// When true, Forward and Backward write into tensors kept from the previous call of the same
    /// shape instead of allocating new ones: a training loop then allocates almost nothing per step.
    /// The catch: a previous call's output (or gradient) is overwritten by the next call.
    /// </summary>
    public virtual bool ReuseBuffers { get; set; }

    /// <summary>When false, Backward skips dL/dinp (PyTorch: an input without requires_grad), e.g. for the first layer.</summary>
    public bool ComputeInputGradient { get; set; } = true;

    /// <summary>A short name for tables and charts, e.g. "Lin(784, 50)".</summary>
    public virtual string Name => GetType().Name;

    public Tensor Forward(Tensor inp)
    {
        ArgumentNullException.ThrowIfNull(inp);
        Inp = inp;
        Out = Compute(inp);
        // A reused output buffer still carries the last step's gradient; a new pass must not see it.
        Out.Grad = null;
        foreach (var hook in forwardHooks) hook.Run(this, inp, Out);
        return Out;
    }

    // Replaced, never changed in place: a hook that removes itself (or adds another) during a
    // forward pass does not disturb the loop running it, and a pass with no change allocates nothing.
    private ForwardHookHandle[] forwardHooks = [];

    /// <summary>
    /// Calls <paramref name="hook"/> after every forward pass of this module, with the module, its
    /// input and its output (PyTorch's <c>register_forward_hook</c>). Hooks run in the order they were
    /// registered. Dispose the returned handle (or call its <c>Remove</c>) to take the hook off again.
    /// </summary>
    public ForwardHookHandle RegisterForwardHook(ForwardHook hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        var handle = new ForwardHookHandle(this, hook);
        forwardHooks = [.. forwardHooks, handle];
        return handle;
    }

    internal void RemoveForwardHook(ForwardHookHandle handle) => forwardHooks = Array.FindAll(forwardHooks, h => h != handle);

    public void Backward()
    {
        if (Inp is null || Out is null)
            throw new InvalidOperationException($"{Name}.Backward: call Forward first.");
        if (Out.Grad is null)
            throw new InvalidOperationException($"{Name}.Backward: the output has no gradient yet; run the backward pass of the loss (or of the next layer) first.");
        if (!Out.Grad.shape.AsSpan().SequenceEqual(Out.shape))
            throw new ArgumentException($"{Name}.Backward: the output gradient has shape {Out.Grad.ShapeString} but the output has shape {Out.ShapeString}.");
        ComputeGradients(Inp, Out.Grad);
    }

    /// <summary>The forward computation.</summary>
    protected abstract Tensor Compute(Tensor inp);

    /// <summary>Writes <c>inp.Grad</c> and each parameter's <c>Grad</c> from dL/d(out).</summary>
    protected abstract void ComputeGradients(Tensor inp, Tensor outGrad);

    /// <summary>The tensors an optimiser updates.</summary>
    public virtual IEnumerable<Tensor> Parameters() => [];

    public override string ToString() => Name;

    /// <summary>
    /// <paramref name="kept"/> when <see cref="ReuseBuffers"/> is on and it is a contiguous tensor of
    /// <paramref name="shape"/>; otherwise a new zeroed tensor of that shape.
    /// </summary>
    protected Tensor Reusable(Tensor? kept, params int[] shape) =>
        ReuseBuffers && kept is { IsContiguous: true } && kept.shape.AsSpan().SequenceEqual(shape) ? kept : Tensor.Zeros(shape);
}
