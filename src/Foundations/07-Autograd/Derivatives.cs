using System.Numerics;

namespace Foundations;

/// <summary>
/// The backward rule of every operation that records (PyTorch keeps its own in derivatives.yaml).
/// Each method is called by the operation itself, only when <see cref="Autograd.ShouldRecord(Tensor)"/>
/// says so: it attaches a node to the result, saying how dL/dout, called g, becomes dL/dinput for
/// each input. <see cref="Autograd.SumTo"/> undoes broadcasting. A rule computes a gradient only for
/// an input that requires one: the data x in x @ W needs none, and dL/dx would cost as much as the
/// forward product. The rules run inside <see cref="Autograd.Backward"/>, where nothing records.
/// </summary>
internal static class Derivatives
{
    /// <summary>out = a + b (broadcasting).  dL/da = g,  dL/db = g, each summed back to its input's shape.</summary>
    public static Tensor Add(Tensor result, Tensor a, Tensor b) =>
        Autograd.Record(result, "Add", [a, b], [], g => [a.RequiresGrad ? Autograd.SumTo(g, a.shape) : null, b.RequiresGrad ? Autograd.SumTo(g, b.shape) : null]);

    /// <summary>out = a - b (broadcasting).  dL/da = g,  dL/db = -g.</summary>
    public static Tensor Sub(Tensor result, Tensor a, Tensor b) =>
        Autograd.Record(result, "Sub", [a, b], [], g => [a.RequiresGrad ? Autograd.SumTo(g, a.shape) : null, b.RequiresGrad ? Autograd.SumTo(g.Neg(), b.shape) : null]);

    /// <summary>out = a * b (broadcasting).  dL/da = g * b,  dL/db = g * a.</summary>
    public static Tensor Mul(Tensor result, Tensor a, Tensor b) =>
        Autograd.Record(result, "Mul", [a, b], [a, b], g => [a.RequiresGrad ? Autograd.SumTo(g.Mul(b), a.shape) : null, b.RequiresGrad ? Autograd.SumTo(g.Mul(a), b.shape) : null]);

    /// <summary>out = a / b (broadcasting).  dL/da = g / b,  dL/db = -g * a / b².</summary>
    public static Tensor Div(Tensor result, Tensor a, Tensor b) =>
        Autograd.Record(result, "Div", [a, b], [a, b], g => [a.RequiresGrad ? Autograd.SumTo(g.Div(b), a.shape) : null, b.RequiresGrad ? Autograd.SumTo(g.Mul(a).Div(b.Mul(b)).Neg(), b.shape) : null]);

    /// <summary>out = -a.  dL/da = -g.</summary>
    public static Tensor Neg(Tensor result, Tensor a) => Autograd.Record(result, "Neg", [a], [], g => [g.Neg()]);

    /// <summary>out = a @ b for (m, k) and (k, n).  dL/da = g @ bᵀ,  dL/db = aᵀ @ g.</summary>
    public static Tensor MatMul(Tensor result, Tensor a, Tensor b) =>
        Autograd.Record(result, "MatMul", [a, b], [a, b], g => [a.RequiresGrad ? ProductShare(a, g, b.T()) : null, b.RequiresGrad ? ProductShare(b, a.T(), g) : null]);

    // The share x @ y for input. A leaf that already has a Grad (two passes adding up, or ZeroGrad(setToNone:
    // false)) gets it added there by the product itself, as PyTorch's AccumulateGrad adds in place, and no
    // share is passed on: a weight's gradient is then not allocated every step only to be added and dropped.
    private static Tensor? ProductShare(Tensor input, Tensor x, Tensor y)
    {
        if (input.IsLeaf && input.Grad is { IsContiguous: true } grad && grad.shape.AsSpan().SequenceEqual(input.shape)
            && !ReferenceEquals(grad.Storage, x.Storage) && !ReferenceEquals(grad.Storage, y.Storage))
        {
            MatMulLadder.AddInto(x, y, grad);
            return null;
        }
        return x.MatMul(y);
    }

    /// <summary>out = max(a, min) (<c>Relu()</c> is min = 0).  dL/da = g where a &gt; min, else 0.</summary>
    public static Tensor ClampMin(Tensor result, Tensor a, float min) =>
        Autograd.Record(result, min == 0f ? "Relu" : "ClampMin", [a], [a], g => [Kernels.Zip(g, a, new PassAboveOp(min), "ClampMinBackward")]);

    // g * (a > min ? 1 : 0) in one pass, the same product as g.Mul(a.Gt(min)) without the mask tensor in between.
    private readonly struct PassAboveOp(float min) : IBinaryOp
    {
        public float Apply(float g, float a) => g * (a > min ? 1f : 0f);
        public Vector<float> Apply(Vector<float> g, Vector<float> a) =>
            g * Vector.ConditionalSelect(Vector.GreaterThan(a, new Vector<float>(min)), Vector<float>.One, Vector<float>.Zero);
    }

    /// <summary>out = aᵖ for a scalar p.  dL/da = g * p * aᵖ⁻¹.</summary>
    public static Tensor Pow(Tensor result, Tensor a, float exponent) =>
        Autograd.Record(result, "Pow", [a], [a], g => [g.Mul(a.Pow(exponent - 1f)).Mul(Tensor.Scalar(exponent))]);

    /// <summary>out = eᵃ.  dL/da = g * out (the output is saved, not recomputed).</summary>
    public static Tensor Exp(Tensor result, Tensor a) => Autograd.Record(result, "Exp", [a], [result], g => [g.Mul(result)]);

    /// <summary>out = ln a.  dL/da = g / a.</summary>
    public static Tensor Log(Tensor result, Tensor a) => Autograd.Record(result, "Log", [a], [a], g => [g.Div(a)]);

    /// <summary>out = Σ a, a 0-d tensor.  dL/da = g at every element.</summary>
    public static Tensor Sum(Tensor result, Tensor a) => Autograd.Record(result, "Sum", [a], [], g => [g.Expand(a.shape).Clone()]);

    /// <summary>out = Σ over <paramref name="dim"/>.  dL/da = g, repeated along dim.</summary>
    public static Tensor Sum(Tensor result, Tensor a, int dim, bool keepDim) =>
        Autograd.Record(result, "Sum", [a], [], g => [Spread(g, a, dim, keepDim)]);

    /// <summary>out = Σ a / n, a 0-d tensor.  dL/da = g / n at every element.</summary>
    public static Tensor Mean(Tensor result, Tensor a) => Autograd.Record(result, "Mean", [a], [], g => [Tensor.Full(g.Item() / a.Count, a.Shape)]);

    /// <summary>out = mean over <paramref name="dim"/>.  dL/da = g / size(dim), repeated along dim.</summary>
    public static Tensor Mean(Tensor result, Tensor a, int dim, bool keepDim) =>
        Autograd.Record(result, "Mean", [a], [], g => [Spread(g.Div(Tensor.Scalar(a.Size(dim))), a, dim, keepDim)]);

    // A reduction's gradient, g of the reduced shape, copied along the dimension that was summed away.
    private static Tensor Spread(Tensor g, Tensor a, int dim, bool keepDim)
    {
        if (!keepDim && a.Rank > 0) g = g.Unsqueeze(dim < 0 ? dim + a.Rank : dim);
        return g.Expand(a.shape).Clone();
    }

    // The views: the same elements seen with another shape or order. Each rule sees g back in a's shape and order.

    /// <summary>out = a with a new shape (Reshape, View, Squeeze()).  dL/da = g reshaped to a's shape.</summary>
    public static Tensor Reshape(Tensor result, Tensor a, string name) => Autograd.Record(result, name, [a], [], g => [g.Reshape(a.shape)]);

    /// <summary>out = a with a size-1 dimension inserted at <paramref name="dim"/>.  dL/da = g with it removed.</summary>
    public static Tensor Unsqueeze(Tensor result, Tensor a, int dim) => Autograd.Record(result, "Unsqueeze", [a], [], g => [g.Squeeze(dim)]);

    /// <summary>out = a with its size-1 dimension <paramref name="dim"/> removed.  dL/da = g with it put back.</summary>
    public static Tensor Squeeze(Tensor result, Tensor a, int dim) => Autograd.Record(result, "Squeeze", [a], [], g => [g.Unsqueeze(dim)]);

    /// <summary>out = a with two dimensions swapped (T() is Transpose(0, 1)).  dL/da = g with them swapped back.</summary>
    public static Tensor Transpose(Tensor result, Tensor a, int dim0, int dim1) =>
        Autograd.Record(result, "Transpose", [a], [], g => [g.Transpose(dim0, dim1)]);

    /// <summary>out = a stretched along its size-1 dimensions.  dL/da = g summed back to a's shape.</summary>
    public static Tensor Expand(Tensor result, Tensor a) => Autograd.Record(result, "Expand", [a], [], g => [Autograd.SumTo(g, a.shape)]);
}
