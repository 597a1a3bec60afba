namespace Foundations;

/// <summary>The rectified linear unit: out = max(inp, 0).</summary>
public sealed class Relu : Module
{
    private Tensor? output;
    private readonly GradientSlot inputGradient = new();

    protected override Tensor Compute(Tensor inp) => inp.ClampMinInto(0f, output = Reusable(output, inp.Shape));

    /// <summary>dL/dinp += dL/dout where inp &gt; 0, else 0.</summary>
    protected override void ComputeGradients(Tensor inp, Tensor outGrad)
    {
        if (!ComputeInputGradient) return;
        var share = inputGradient.Destination(inp, ReuseBuffers);
        // The gate (inp > 0) goes into the share first, then selects from outGrad in place.
        inp.GtInto(Tensor.Scalar(0f), share);
        GradientSlot.Accumulate(inp, Tensor.WhereInto(share, outGrad, 0f, share));
    }
}
