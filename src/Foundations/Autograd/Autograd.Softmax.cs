using System.Numerics;

namespace Foundations;

// Softmax and cross-entropy, built from the recorded operations, so their gradients come from the
// rules in Autograd.Ops.cs. CrossEntropyGradient is the same gradient worked out by hand.
public static partial class Autograd
{
    /// <summary>
    /// log Σ exp(a) over <paramref name="dim"/>, computed as m + log Σ exp(a - m) with m the maximum,
    /// so that no exp overflows. m is a constant to the graph: the result does not depend on it, so
    /// its gradient through m would be zero anyway.  dL/da = g * softmax(a).
    /// </summary>
    public static Tensor LogSumExp(Tensor a, int dim, bool keepDim = false)
    {
        Require.NotNull(a, "Autograd.LogSumExp");
        // A row of -inf would give -inf - -inf = NaN; shifting it by 0 instead leaves log Σ exp = -inf, as PyTorch does.
        var max = Kernels.Map(a.Max(dim, keepDim: true), new FiniteOrZeroOp());
        return Add(Log(Sum(Exp(Sub(a, max)), dim, keepDim)), keepDim ? max : max.Squeeze(dim));
    }

    /// <summary>log softmax(a) = a - log Σ exp(a) over <paramref name="dim"/> (PyTorch's <c>log_softmax</c>); finite for logits of any size.</summary>
    public static Tensor LogSoftmax(Tensor a, int dim)
    {
        Require.NotNull(a, "Autograd.LogSoftmax");
        return Sub(a, LogSumExp(a, dim, keepDim: true));
    }

    /// <summary>softmax(a) = exp(a) / Σ exp(a) over <paramref name="dim"/>, computed as exp(log softmax(a)).</summary>
    public static Tensor Softmax(Tensor a, int dim)
    {
        Require.NotNull(a, "Autograd.Softmax");
        return Exp(LogSoftmax(a, dim));
    }

    /// <summary>
    /// The mean over the batch of -log softmax(logits)[i, labels[i]] (PyTorch's <c>F.cross_entropy</c>):
    /// logits of shape (n, c), labels of shape (n,) holding class numbers 0..c-1 as floats.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels)
    {
        var oneHot = CheckClassification(logits, labels, "Autograd.CrossEntropy");
        // Multiplying by the one-hot rows picks each row's labelled entry; the other c - 1 terms are zero.
        return Neg(Mean(Sum(Mul(LogSoftmax(logits, 1), oneHot), 1)));
    }

    /// <summary>
    /// The gradient of <see cref="CrossEntropy"/> worked out by hand, with no graph:
    /// dL/dlogits = (softmax(logits) - one_hot(labels)) / n.
    /// </summary>
    public static Tensor CrossEntropyGradient(Tensor logits, Tensor labels)
    {
        var oneHot = CheckClassification(logits, labels, "Autograd.CrossEntropyGradient");
        using (NoGrad())
            return Softmax(logits, 1).Sub(oneHot).Div(Tensor.Scalar(logits.Size(0)));
    }

    // x where |x| < ∞, else 0 (NaN included): where(|max| < inf, max, 0) in one pass.
    private readonly struct FiniteOrZeroOp : IUnaryOp
    {
        public float Apply(float x) => MathF.Abs(x) < float.PositiveInfinity ? x : 0f;
        public Vector<float> Apply(Vector<float> x) =>
            Vector.ConditionalSelect(Vector.LessThan(Vector.Abs(x), new Vector<float>(float.PositiveInfinity)), x, Vector<float>.Zero);
    }

    private static Tensor CheckClassification(Tensor logits, Tensor labels, string operation)
    {
        Require.NotNull(logits, operation);
        Require.NotNull(labels, operation);
        if (logits.Rank != 2 || logits.Size(0) == 0 || logits.Size(1) == 0 || labels.Rank != 1 || labels.Size(0) != logits.Size(0))
            throw new ArgumentException($"{operation}: expects logits of shape (n, c) and labels of shape (n,) with n, c > 0, got {logits.ShapeString} and {labels.ShapeString}.");
        try
        {
            return Classification.OneHot(labels, logits.Size(1));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(e.Message.Replace("OneHot:", operation + ":", StringComparison.Ordinal), e);
        }
    }
}
