using System.Numerics;

namespace Foundations;

// Softmax and its logarithm, built from operations that record, so their gradients come from the
// rules in Derivatives.cs.
public sealed partial class Tensor
{
    /// <summary>
    /// log Σ exp(x) over <paramref name="dim"/> (PyTorch's <c>logsumexp</c>), computed as m + log Σ exp(x - m)
    /// with m the maximum, so that no exp overflows. m is a constant to the graph: the result does not
    /// depend on it, so its gradient through m would be zero anyway.  dL/dx = g * softmax(x).
    /// </summary>
    public Tensor LogSumExp(int dim, bool keepDim = false)
    {
        Tensor max;
        using (Autograd.NoGrad())
        {
            // A row of -inf would give -inf - -inf = NaN; shifting it by 0 instead leaves log Σ exp = -inf, as PyTorch does.
            max = Kernels.Map(Max(dim, keepDim: true), new FiniteOrZeroOp());
        }
        return Sub(max).Exp().Sum(dim, keepDim).Log().Add(keepDim ? max : max.Squeeze(dim));
    }

    /// <summary>log softmax(x) = x - log Σ exp(x) over <paramref name="dim"/> (PyTorch's <c>log_softmax</c>); finite for logits of any size.</summary>
    public Tensor LogSoftmax(int dim) => Sub(LogSumExp(dim, keepDim: true));

    /// <summary>softmax(x) = exp(x) / Σ exp(x) over <paramref name="dim"/>, computed as exp(log softmax(x)).</summary>
    public Tensor Softmax(int dim) => LogSoftmax(dim).Exp();

    // x where |x| < ∞, else 0 (NaN included): where(|max| < inf, max, 0) in one pass.
    private readonly struct FiniteOrZeroOp : IUnaryOp
    {
        public float Apply(float x) => MathF.Abs(x) < float.PositiveInfinity ? x : 0f;
        public Vector<float> Apply(Vector<float> x) =>
            Vector.ConditionalSelect(Vector.LessThan(Vector.Abs(x), new Vector<float>(float.PositiveInfinity)), x, Vector<float>.Zero);
    }
}
