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
        Require.NotNull(inp, $"{Name}.Forward");
        Inp = inp;
        Out = Compute(inp);
        // A reused output buffer still carries the last step's gradient; a new pass must not see it.
        Out.Grad = null;
        SaveVersions(inp);
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

    // The arrays are kept from pass to pass, so a training loop with ReuseBuffers stays allocation-light.
    private void SaveVersions(Tensor inp)
    {
        int count = 0;
        foreach (var _ in Parameters()) count++;
        if (savedParameters.Length != count)
        {
            savedParameters = new Tensor[count];
            savedVersions = new int[count + 1];
        }
        savedVersions[0] = inp.Version;
        int i = 0;
        foreach (var p in Parameters())
        {
            savedParameters[i] = p;
            savedVersions[++i] = p.Version;
        }
    }

    // What Forward saw, as PyTorch's autograd saves tensor versions: Backward refuses to run on changed inputs.
    private Tensor[] savedParameters = [];
    private int[] savedVersions = [0];

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
        if (Inp!.Version != savedVersions[0])
            throw new InvalidOperationException($"{Name}.Backward: the input was modified in place after the forward pass; run Forward again.");
        for (int i = 0; i < savedParameters.Length; i++)
            if (savedParameters[i].Version != savedVersions[i + 1])
                throw new InvalidOperationException($"{Name}.Backward: {ParameterName(savedParameters[i], i)} was modified in place after the forward pass (e.g. by Sgd.Step); run Forward again.");
    }

    /// <summary>The property that holds <paramref name="parameter"/> (e.g. "W"), or the name of the inner module's, else its position.</summary>
    private string ParameterName(Tensor parameter, int index)
    {
        var property = GetType().GetProperties()
            .FirstOrDefault(p => p.PropertyType == typeof(Tensor) && p.GetIndexParameters().Length == 0 && ReferenceEquals(p.GetValue(this), parameter));
        if (property is not null) return property.Name;
        if (this is Sequential sequential)
            foreach (var module in sequential.Modules)
                if (module.Parameters().Any(p => ReferenceEquals(p, parameter)))
                    return $"{module.Name}'s {module.ParameterName(parameter, index)}";
        return $"parameter {index} of shape {parameter.ShapeString}";
    }
    private bool backwardDone;

    /// <summary>The forward computation.</summary>
    protected abstract Tensor Compute(Tensor inp);

    /// <summary>Adds dL/d(inp) to <c>inp.Grad</c> and each parameter's share to its <c>Grad</c>, from dL/d(out).</summary>
    protected abstract void ComputeGradients(Tensor inp, Tensor outGrad);

    /// <summary>The tensors an optimiser updates, each once even if it is used in several places.</summary>
    public virtual IEnumerable<Tensor> Parameters() => [];

    /// <summary>
    /// Sets every parameter's <c>Grad</c> to null, so the next backward pass starts from nothing
    /// (PyTorch's <c>zero_grad(set_to_none=True)</c>, its default since 2.0). Null rather than zeros:
    /// the next Backward then writes its gradient instead of adding it to zeros, in a tensor the
    /// layer keeps when <see cref="ReuseBuffers"/> is on. The input's gradient is not touched.
    /// </summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.Grad = null;
    }

    public override string ToString() => Name;

    /// <summary>
    /// <paramref name="kept"/> when <see cref="ReuseBuffers"/> is on and it is a contiguous tensor of
    /// <paramref name="shape"/>; otherwise a new zeroed tensor of that shape.
    /// </summary>
    protected Tensor Reusable(Tensor? kept, params int[] shape) => Tensor.Reusable(kept, shape, ReuseBuffers);
}
