namespace Foundations;

/// <summary>The rectified linear unit: out = max(inp, 0).</summary>
public sealed class Relu : Module
{
    private Tensor? output, inputGradient;

    protected override Tensor Compute(Tensor inp) => inp.ClampMinInto(0f, output = Reusable(output, inp.Shape));

    /// <summary>dL/dinp = dL/dout where inp &gt; 0, else 0.</summary>
    protected override void ComputeGradients(Tensor inp, Tensor outGrad)
    {
        if (!ComputeInputGradient) return;
        var grad = inputGradient = Reusable(inputGradient, inp.Shape);
        // The gate (inp > 0) goes into grad first, then selects from outGrad in place.
        inp.GtInto(Tensor.Scalar(0f), grad);
        inp.Grad = Tensor.WhereInto(grad, outGrad, 0f, grad);
    }
}
