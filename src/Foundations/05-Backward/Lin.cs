namespace Foundations;

/// <summary>A linear layer: out = inp @ W + B, with W of shape (nIn, nOut) and B of shape (nOut).</summary>
public sealed class Lin : Module
{
    public Tensor W { get; }
    public Tensor B { get; }

    public Lin(Tensor w, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(b);
        if (w.Rank != 2 || b.Rank != 1 || b.Size(0) != w.Size(1))
            throw new ArgumentException($"Lin: expects W of shape (nIn, nOut) and B of shape (nOut,), got {w.ShapeString} and {b.ShapeString}.");
        W = w;
        B = b;
    }

    /// <summary>A layer with Kaiming-initialised weights and zero bias.</summary>
    public Lin(int nIn, int nOut) : this(Init.KaimingNormal(nIn, nOut), Tensor.Zeros(nOut)) { }

    public override string Name => $"Lin({W.Size(0)}, {W.Size(1)})";

    protected override Tensor Compute(Tensor inp)
    {
        if (inp.Rank != 2 || inp.Size(1) != W.Size(0))
            throw new ArgumentException($"{Name}: expects input of shape (batch, {W.Size(0)}), got {inp.ShapeString}.");
        return inp.MatMul(W) + B;
    }

    /// <summary>dL/dinp += dL/dout @ Wᵀ;  dL/dW += inpᵀ @ dL/dout;  dL/dB += dL/dout summed over the batch.</summary>
    protected override void ComputeGradients(Tensor inp, Tensor outGrad)
    {
        inp.AccumulateGrad(outGrad.MatMul(W.T()));
        W.AccumulateGrad(inp.T().MatMul(outGrad));
        B.AccumulateGrad(outGrad.Sum(0));
    }

    public override IEnumerable<(string Name, Tensor Parameter)> NamedParameters() => [("W", W), ("B", B)];
}
