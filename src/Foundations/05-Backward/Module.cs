namespace Foundations;

/// <summary>
/// A layer with a forward pass and a hand-written backward pass. <see cref="Forward"/> keeps its
/// input and output; <see cref="Backward"/> reads the gradient already on the output
/// (<c>Out.Grad</c>, from the layer after it or from the loss) and adds gradients to the input and
/// to every parameter.
/// </summary>
/// <remarks>
/// Gradients accumulate, as PyTorch's <c>.grad</c> does: Backward adds its share to <c>Grad</c>, or
/// creates <c>Grad</c> when it is null. A tensor read in two places (a residual <c>x + f(x)</c>, one
/// weight in two layers) so gets the sum of both shares, which is its true gradient. The price: two
/// steps' gradients also add up unless <see cref="ZeroGrad"/> (or <c>Sgd.ZeroGrad</c>) runs between
/// them. Each forward pass can be gone through backward once: a second Backward would count it twice.
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
        Require.NotNull(inp, $"{Name}.Forward");
        Inp = inp;
        Out = Compute(inp);
        saved = [inp, .. Parameters()];
        savedVersions = Array.ConvertAll(saved, t => t.Version);
        backwardDone = false;
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

    // What Forward saw, as PyTorch's autograd saves tensor versions: Backward refuses to run on changed inputs.
    private Tensor[] saved = [];
    private int[] savedVersions = [];

    public void Backward()
    {
        if (Inp is null || Out is null)
            throw new InvalidOperationException($"{Name}.Backward: call Forward first.");
        if (Out.Grad is null)
            throw new InvalidOperationException($"{Name}.Backward: the output has no gradient yet; run the backward pass of the loss (or of the next layer) first.");
        if (!Out.Grad.shape.AsSpan().SequenceEqual(Out.shape))
            throw new ArgumentException($"{Name}.Backward: the output gradient has shape {Out.Grad.ShapeString} but the output has shape {Out.ShapeString}.");
        EnsureUnchangedSinceForward();
        if (backwardDone)
            throw new InvalidOperationException($"{Name}.Backward: this forward pass has already been through Backward, and gradients add up, so a second time would count it twice; run Forward again (PyTorch: \"Trying to backward through the graph a second time\").");
        ComputeGradients(Inp, Out.Grad);
        backwardDone = true;
    }

    /// <summary>
    /// The gradients depend on the input and the parameters as Forward saw them; an in-place write
    /// since then (an optimiser step, a Fill) would make Backward silently compute stale gradients.
    /// </summary>
    private void EnsureUnchangedSinceForward()
    {
        if (saved[0].Version != savedVersions[0])
            throw new InvalidOperationException($"{Name}.Backward: the input was modified in place after the forward pass; run Forward again.");
        for (int i = 1; i < saved.Length; i++)
            if (saved[i].Version != savedVersions[i])
                throw new InvalidOperationException($"{Name}.Backward: {NameOf(saved[i])} was modified in place after the forward pass (e.g. by Sgd.Step); run Forward again.");
    }

    private string NameOf(Tensor parameter) =>
        NamedParameters().FirstOrDefault(p => ReferenceEquals(p.Parameter, parameter)).Name ?? $"a parameter of shape {parameter.ShapeString}";

    private bool backwardDone;

    /// <summary>The forward computation.</summary>
    protected abstract Tensor Compute(Tensor inp);

    /// <summary>Adds dL/d(inp) to <c>inp.Grad</c> and each parameter's share to its <c>Grad</c>, from dL/d(out).</summary>
    protected abstract void ComputeGradients(Tensor inp, Tensor outGrad);

    /// <summary>
    /// The tensors an optimiser updates, with the names errors use, e.g. ("W", W) (PyTorch's
    /// <c>named_parameters()</c>); each tensor once, even if it is used in several places.
    /// </summary>
    public virtual IEnumerable<(string Name, Tensor Parameter)> NamedParameters() => [];

    /// <summary>
    /// The tensors an optimiser updates (PyTorch's <c>parameters()</c>), in the order of
    /// <see cref="NamedParameters"/>. Every forward pass reads it; a container overrides it so that
    /// building the names, which only errors need, stays off that path.
    /// </summary>
    public virtual IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>
    /// Sets every parameter's <c>Grad</c> to null, so the next backward pass starts from nothing
    /// (PyTorch's <c>zero_grad(set_to_none=True)</c>, its default since 2.0). Null rather than zeros:
    /// the next Backward then keeps its share as the gradient instead of adding it to zeros. The
    /// input's gradient is not touched.
    /// </summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.Grad = null;
    }

    public override string ToString() => Name;
}
