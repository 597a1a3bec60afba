namespace Foundations;

/// <summary>The rectified linear unit: out = max(inp, 0).</summary>
public sealed class Relu : Module
{
    protected override Tensor Compute(Tensor inp) => inp.ClampMin(0f);

    /// <summary>dL/dinp += dL/dout where inp &gt; 0, else 0.</summary>
    protected override void ComputeGradients(Tensor inp, Tensor outGrad) => inp.AccumulateGrad(Tensor.Where(inp > 0f, outGrad, 0f));
}
