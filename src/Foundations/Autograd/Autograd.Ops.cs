using System.Numerics;

namespace Foundations;

// The differentiable operations: each forward is the tensor's own method, and its backward rule
// follows on the next lines. g is dL/dout; SumTo undoes broadcasting. A rule computes a gradient only
// for an input that requires one: the data x in x @ W needs none, and dL/dx would cost as much as the
// forward product.
public static partial class Autograd
{
    /// <summary>out = a + b (broadcasting).  dL/da = g,  dL/db = g, each summed back to its input's shape.</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        CheckNotNull(a, b, "Autograd.Add");
        return Record(a.Add(b), "Add", [a, b], [], g => [a.RequiresGrad ? SumTo(g, a.shape) : null, b.RequiresGrad ? SumTo(g, b.shape) : null]);
    }

    /// <summary>out = a - b (broadcasting).  dL/da = g,  dL/db = -g.</summary>
    public static Tensor Sub(Tensor a, Tensor b)
    {
        CheckNotNull(a, b, "Autograd.Sub");
        return Record(a.Sub(b), "Sub", [a, b], [], g => [a.RequiresGrad ? SumTo(g, a.shape) : null, b.RequiresGrad ? SumTo(g.Neg(), b.shape) : null]);
    }

    /// <summary>out = a * b (broadcasting).  dL/da = g * b,  dL/db = g * a.</summary>
    public static Tensor Mul(Tensor a, Tensor b)
    {
        CheckNotNull(a, b, "Autograd.Mul");
        return Record(a.Mul(b), "Mul", [a, b], [a, b], g => [a.RequiresGrad ? SumTo(g.Mul(b), a.shape) : null, b.RequiresGrad ? SumTo(g.Mul(a), b.shape) : null]);
    }

    /// <summary>out = a / b (broadcasting).  dL/da = g / b,  dL/db = -g * a / b².</summary>
    public static Tensor Div(Tensor a, Tensor b)
    {
        CheckNotNull(a, b, "Autograd.Div");
        return Record(a.Div(b), "Div", [a, b], [a, b], g => [a.RequiresGrad ? SumTo(g.Div(b), a.shape) : null, b.RequiresGrad ? SumTo(g.Mul(a).Div(b.Mul(b)).Neg(), b.shape) : null]);
    }

    /// <summary>out = -a.  dL/da = -g.</summary>
    public static Tensor Neg(Tensor a)
    {
        Require.NotNull(a, "Autograd.Neg");
        return Record(a.Neg(), "Neg", [a], [], g => [g.Neg()]);
    }

    /// <summary>out = a @ b for (m, k) and (k, n).  dL/da = g @ bᵀ,  dL/db = aᵀ @ g.</summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        CheckNotNull(a, b, "Autograd.MatMul");
        return Record(a.MatMul(b), "MatMul", [a, b], [a, b], g => [a.RequiresGrad ? ProductShare(a, g, b.T()) : null, b.RequiresGrad ? ProductShare(b, a.T(), g) : null]);
    }

    // The share x @ y for input. A leaf that already has a Grad (two passes adding up, or ZeroGrad(setToNone:
    // false)) gets it added there by the product itself, as PyTorch's AccumulateGrad adds in place, and no
    // share is passed on: W1's would be a 157 KB tensor allocated every step only to be added and dropped.
    private static Tensor? ProductShare(Tensor input, Tensor x, Tensor y)
    {
        if (input.IsLeaf && input.Grad is { IsContiguous: true } grad && grad.shape.AsSpan().SequenceEqual(input.shape)
            && !ReferenceEquals(grad.Storage, x.Storage) && !ReferenceEquals(grad.Storage, y.Storage))
        {
            Foundations.MatMul.AddInto(x, y, grad);
            return null;
        }
        return x.MatMul(y);
    }

    /// <summary>out = max(a, 0) (PyTorch's <c>relu</c>, <c>clamp_min(0)</c>).  dL/da = g where a &gt; 0, else 0.</summary>
    public static Tensor Relu(Tensor a)
    {
        Require.NotNull(a, "Autograd.Relu");
        return Record(a.ClampMin(0f), "Relu", [a], [a], g => [Kernels.Zip(g, a, new ReluGradientOp(), "Autograd.Relu")]);
    }

    // g * (a > 0 ? 1 : 0) in one pass, the same product as g.Mul(a.Gt(0)) without the mask tensor in between.
    private readonly struct ReluGradientOp : IBinaryOp
    {
        public float Apply(float g, float a) => g * (a > 0f ? 1f : 0f);
        public Vector<float> Apply(Vector<float> g, Vector<float> a) =>
            g * Vector.ConditionalSelect(Vector.GreaterThan(a, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero);
    }

    /// <summary>out = aᵖ for a scalar p.  dL/da = g * p * aᵖ⁻¹.</summary>
    public static Tensor Pow(Tensor a, float exponent)
    {
        Require.NotNull(a, "Autograd.Pow");
        return Record(a.Pow(exponent), "Pow", [a], [a], g => [g.Mul(a.Pow(exponent - 1f)).Mul(Tensor.Scalar(exponent))]);
    }

    /// <summary>out = eᵃ.  dL/da = g * out (the output is saved, not recomputed).</summary>
    public static Tensor Exp(Tensor a)
    {
        Require.NotNull(a, "Autograd.Exp");
        var result = a.Exp();
        return Record(result, "Exp", [a], [result], g => [g.Mul(result)]);
    }

    /// <summary>out = ln a.  dL/da = g / a.</summary>
    public static Tensor Log(Tensor a)
    {
        Require.NotNull(a, "Autograd.Log");
        return Record(a.Log(), "Log", [a], [a], g => [g.Div(a)]);
    }

    /// <summary>out = Σ a, a 0-d tensor.  dL/da = g at every element.</summary>
    public static Tensor Sum(Tensor a)
    {
        Require.NotNull(a, "Autograd.Sum");
        return Record(a.Sum(), "Sum", [a], [], g => [g.Expand(a.shape).Clone()]);
    }

    /// <summary>out = Σ over <paramref name="dim"/>.  dL/da = g, repeated along dim.</summary>
    public static Tensor Sum(Tensor a, int dim, bool keepDim = false)
    {
        Require.NotNull(a, "Autograd.Sum");
        return Record(a.Sum(dim, keepDim), "Sum", [a], [], g => [Spread(g, a, dim, keepDim)]);
    }

    /// <summary>out = Σ a / n, a 0-d tensor.  dL/da = g / n at every element.</summary>
    public static Tensor Mean(Tensor a)
    {
        Require.NotNull(a, "Autograd.Mean");
        return Record(a.Mean(), "Mean", [a], [], g => [Tensor.Full(g.Item() / a.Count, a.Shape)]);
    }

    /// <summary>out = mean over <paramref name="dim"/>.  dL/da = g / size(dim), repeated along dim.</summary>
    public static Tensor Mean(Tensor a, int dim, bool keepDim = false)
    {
        Require.NotNull(a, "Autograd.Mean");
        return Record(a.Mean(dim, keepDim), "Mean", [a], [], g => [Spread(g.Div(Tensor.Scalar(a.Size(dim))), a, dim, keepDim)]);
    }

    /// <summary>out = a viewed with a new shape (same elements, row-major).  dL/da = g reshaped back.</summary>
    public static Tensor Reshape(Tensor a, params int[] shape)
    {
        Require.NotNull(a, "Autograd.Reshape");
        Require.NotNull(shape, "Autograd.Reshape");
        // A copy, not a view: the output gets its own version counter, so writing to it cannot alter a saved input.
        return Record(a.Reshape(shape).Clone(), "Reshape", [a], [], g => [g.Reshape(a.shape)]);
    }

    // A reduction's gradient, g of the reduced shape, copied along the dimension that was summed away.
    private static Tensor Spread(Tensor g, Tensor a, int dim, bool keepDim)
    {
        if (!keepDim && a.Rank > 0) g = g.Unsqueeze(dim < 0 ? dim + a.Rank : dim);
        return g.Expand(a.shape).Clone();
    }

    private static void CheckNotNull(Tensor a, Tensor b, string operation)
    {
        Require.NotNull(a, operation);
        Require.NotNull(b, operation);
    }
}
