namespace Foundations;

/// <summary>
/// What the losses share: they remember the predictions and targets of the last Forward, give the
/// loss as a 0-d tensor, and add dL/dpredictions to <c>Inp.Grad</c> once per forward pass.
/// </summary>
public abstract class Loss
{
    private bool backwardDone;

    public Tensor? Inp { get; private set; }
    public Tensor? Targ { get; private set; }
    public Tensor? Out { get; private set; }

    /// <summary>The loss of <paramref name="inp"/> against <paramref name="targ"/>, a 0-d tensor.</summary>
    public Tensor Forward(Tensor inp, Tensor targ)
    {
        ArgumentNullException.ThrowIfNull(inp);
        ArgumentNullException.ThrowIfNull(targ);
        CheckShapes(inp, targ);
        Inp = inp;
        Targ = targ;
        Out = Compute(inp, targ);
        backwardDone = false;
        return Out;
    }

    /// <summary>Adds dL/dinp to <c>Inp.Grad</c>, as <see cref="Module"/> does; once per forward pass.</summary>
    public void Backward()
    {
        string name = GetType().Name;
        if (Inp is null || Targ is null)
            throw new InvalidOperationException($"{name}.Backward: call Forward first.");
        if (backwardDone)
            throw new InvalidOperationException($"{name}.Backward: this forward pass has already been through Backward, and gradients add up, so a second time would count it twice; run Forward again.");
        ComputeGradient(Inp, Targ);
        backwardDone = true;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the loss and both shapes when they do not fit.</summary>
    protected abstract void CheckShapes(Tensor inp, Tensor targ);

    /// <summary>The loss value, a 0-d tensor.</summary>
    protected abstract Tensor Compute(Tensor inp, Tensor targ);

    /// <summary>Adds this pass's dL/dinp to <c>inp.Grad</c>.</summary>
    protected abstract void ComputeGradient(Tensor inp, Tensor targ);
}
