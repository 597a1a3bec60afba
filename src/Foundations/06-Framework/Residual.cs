namespace Foundations;

/// <summary>
/// A residual (skip) connection, out = inp + Inner(inp), as in a ResNet block. The input is read
/// twice, by the inner module and by the sum, so its gradient is the sum of two shares:
/// dL/dinp = dL/dout (along the skip) + dL/dout carried back through Inner. This only comes out
/// right because backward passes add to <c>Grad</c>; were they to overwrite it, one share would be lost.
/// </summary>
public sealed class Residual : Module
{
    public Residual(Module inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
    }

    /// <summary>The branch beside the skip; it must keep the shape of its input.</summary>
    public Module Inner { get; }

    public override string Name => $"Residual({Inner.Name})";

    protected override Tensor Compute(Tensor inp)
    {
        var branch = Inner.Forward(inp);
        if (!branch.shape.AsSpan().SequenceEqual(inp.shape))
            throw new ArgumentException($"{Name}: the inner module maps {inp.ShapeString} to {branch.ShapeString}; a residual connection needs the same shape out as in.");
        return inp + branch;
    }

    /// <summary>dL/dinp += dL/dout through Inner, then += dL/dout along the skip.</summary>
    protected override void ComputeGradients(Tensor inp, Tensor outGrad)
    {
        // The inner module's output has one consumer, the sum, whose local derivative is 1.
        Inner.Out!.Grad = outGrad;
        Inner.Backward();
        // A copy: outGrad is also Inner.Out.Grad, and inp.Grad is added to in place later.
        inp.AccumulateGrad(outGrad.Clone());
    }

    public override IEnumerable<(string Name, Tensor Parameter)> NamedParameters() => Inner.NamedParameters();

    public override IEnumerable<Tensor> Parameters() => Inner.Parameters();
}
