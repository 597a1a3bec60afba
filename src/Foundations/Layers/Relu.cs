using System.Numerics;

namespace Foundations;

/// <summary>The rectified linear unit: out = max(inp, 0).</summary>
public sealed class Relu : Module
{
    private Tensor? output, inputGradient;

    protected override Tensor Compute(Tensor inp)
    {
        var result = output = Reusable(output, inp.shape);
        Kernels.MapInto(inp, new Tensor.ClampMinOp(0f), result);
        return result;
    }

    /// <summary>dL/dinp = dL/dout where inp &gt; 0, else 0.</summary>
    protected override void ComputeGradients(Tensor inp, Tensor outGrad)
    {
        if (!ComputeInputGradient) return;
        var grad = inputGradient = Reusable(inputGradient, inp.shape);
        Kernels.ZipInto(inp, outGrad, new GateOp(), grad, "Relu.Backward");
        inp.Grad = grad;
    }

    // (inp > 0) * outGrad, in one pass.
    private readonly struct GateOp : IBinaryOp
    {
        public float Apply(float inp, float outGrad) => inp > 0f ? outGrad : 0f;
        public Vector<float> Apply(Vector<float> inp, Vector<float> outGrad) =>
            Vector.ConditionalSelect(Vector.GreaterThan(inp, Vector<float>.Zero), outGrad, Vector<float>.Zero);
    }
}
