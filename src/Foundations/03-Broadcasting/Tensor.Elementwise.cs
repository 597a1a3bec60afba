using System.Numerics;

namespace Foundations;

// Elementwise arithmetic with broadcasting. Each operator is a one-line wrapper over a named
// method; each named method is one op struct handed to the map or zip kernel. The second line of
// the differentiable ones is chapter 7's: when an input requires gradients, the result records
// how to take its gradient (Autograd/Derivatives.cs); otherwise it costs one test of a flag.
public sealed partial class Tensor
{
    public Tensor Add(Tensor other)
    {
        var result = Kernels.Zip(this, other, new AddOp(), "Add");
        return Autograd.ShouldRecord(this, other) ? Derivatives.Add(result, this, other) : result;
    }

    public Tensor Sub(Tensor other)
    {
        var result = Kernels.Zip(this, other, new SubOp(), "Sub");
        return Autograd.ShouldRecord(this, other) ? Derivatives.Sub(result, this, other) : result;
    }

    public Tensor Mul(Tensor other)
    {
        var result = Kernels.Zip(this, other, new MulOp(), "Mul");
        return Autograd.ShouldRecord(this, other) ? Derivatives.Mul(result, this, other) : result;
    }

    public Tensor Div(Tensor other)
    {
        var result = Kernels.Zip(this, other, new DivOp(), "Div");
        return Autograd.ShouldRecord(this, other) ? Derivatives.Div(result, this, other) : result;
    }

    public static Tensor operator +(Tensor a, Tensor b) => Left(a, "Add").Add(b);
    public static Tensor operator -(Tensor a, Tensor b) => Left(a, "Sub").Sub(b);
    public static Tensor operator *(Tensor a, Tensor b) => Left(a, "Mul").Mul(b);
    public static Tensor operator /(Tensor a, Tensor b) => Left(a, "Div").Div(b);
    public static Tensor operator +(Tensor a, float b) => Left(a, "Add").Add(Scalar(b));
    public static Tensor operator -(Tensor a, float b) => Left(a, "Sub").Sub(Scalar(b));
    public static Tensor operator *(Tensor a, float b) => Left(a, "Mul").Mul(Scalar(b));
    public static Tensor operator /(Tensor a, float b) => Left(a, "Div").Div(Scalar(b));
    public static Tensor operator +(float a, Tensor b) => Scalar(a).Add(b);
    public static Tensor operator -(float a, Tensor b) => Scalar(a).Sub(b);
    public static Tensor operator *(float a, Tensor b) => Require.NotNull(b, "Mul").Mul(Scalar(a));
    public static Tensor operator /(float a, Tensor b) => Scalar(a).Div(b);
    public static Tensor operator -(Tensor a) => Left(a, "Neg").Neg();

    /// <summary>The left operand of an operator, which C# would call a method on; null gets a message naming the operation.</summary>
    private static Tensor Left(Tensor? a, string operation) => Require.NotNull(a, operation, "a");

    public Tensor Neg()
    {
        var result = Kernels.Map(this, new NegOp());
        return Autograd.ShouldRecord(this) ? Derivatives.Neg(result, this) : result;
    }

    public Tensor Exp()
    {
        var result = Kernels.Map(this, new ExpOp());
        return Autograd.ShouldRecord(this) ? Derivatives.Exp(result, this) : result;
    }

    public Tensor Log()
    {
        var result = Kernels.Map(this, new LogOp());
        return Autograd.ShouldRecord(this) ? Derivatives.Log(result, this) : result;
    }

    /// <summary>Each element raised to <paramref name="exponent"/>; squaring is exact (x*x).</summary>
    public Tensor Pow(float exponent)
    {
        var result = Kernels.Map(this, new PowOp(exponent));
        return Autograd.ShouldRecord(this) ? Derivatives.Pow(result, this, exponent) : result;
    }

    /// <summary>max(x, min) elementwise; <c>ClampMin(0)</c> is ReLU.</summary>
    public Tensor ClampMin(float min)
    {
        var result = Kernels.Map(this, new ClampMinOp(min));
        return Autograd.ShouldRecord(this) ? Derivatives.ClampMin(result, this, min) : result;
    }

    /// <summary>The rectified linear unit, max(x, 0) (PyTorch's <c>relu()</c>); its gradient at exactly 0 is 0.</summary>
    public Tensor Relu() => ClampMin(0f);

    // No backward rule: on a tensor that requires gradients these give a result that does not.
    public Tensor Abs() => Kernels.Map(this, new AbsOp());
    public Tensor Sqrt() => Kernels.Map(this, new SqrtOp());

    /// <summary>1 where this &gt; other, else 0 (as float, like PyTorch's <c>(a &gt; b).float()</c>).</summary>
    public Tensor Gt(Tensor other) => Kernels.Zip(this, other, new CompareOp(Comparison.Greater), "Gt");
    public Tensor Ge(Tensor other) => Kernels.Zip(this, other, new CompareOp(Comparison.GreaterOrEqual), "Ge");
    public Tensor Lt(Tensor other) => Kernels.Zip(this, other, new CompareOp(Comparison.Less), "Lt");
    public Tensor Le(Tensor other) => Kernels.Zip(this, other, new CompareOp(Comparison.LessOrEqual), "Le");
    public Tensor Eq(Tensor other) => Kernels.Zip(this, other, new CompareOp(Comparison.Equal), "Eq");
    public Tensor Ne(Tensor other) => Kernels.Zip(this, other, new CompareOp(Comparison.NotEqual), "Ne");

    /// <summary>
    /// <paramref name="x"/> where <paramref name="condition"/> is non-zero, <paramref name="other"/>
    /// elsewhere (PyTorch's <c>torch.where(condition, x, other)</c> with a number for other).
    /// </summary>
    public static Tensor Where(Tensor condition, Tensor x, float other)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(x);
        return Kernels.Zip(condition, x, new WhereOp(other), "Where");
    }

    public static Tensor operator >(Tensor a, Tensor b) => Left(a, "Gt").Gt(b);
    public static Tensor operator <(Tensor a, Tensor b) => Left(a, "Lt").Lt(b);
    public static Tensor operator >=(Tensor a, Tensor b) => Left(a, "Ge").Ge(b);
    public static Tensor operator <=(Tensor a, Tensor b) => Left(a, "Le").Le(b);
    public static Tensor operator >(Tensor a, float b) => Left(a, "Gt").Gt(Scalar(b));
    public static Tensor operator <(Tensor a, float b) => Left(a, "Lt").Lt(Scalar(b));
    public static Tensor operator >=(Tensor a, float b) => Left(a, "Ge").Ge(Scalar(b));
    public static Tensor operator <=(Tensor a, float b) => Left(a, "Le").Le(Scalar(b));

    private readonly struct AddOp : IBinaryOp
    {
        public float Apply(float a, float b) => a + b;
        public Vector<float> Apply(Vector<float> a, Vector<float> b) => a + b;
    }

    private readonly struct SubOp : IBinaryOp
    {
        public float Apply(float a, float b) => a - b;
        public Vector<float> Apply(Vector<float> a, Vector<float> b) => a - b;
    }

    private readonly struct MulOp : IBinaryOp
    {
        public float Apply(float a, float b) => a * b;
        public Vector<float> Apply(Vector<float> a, Vector<float> b) => a * b;
    }

    private readonly struct DivOp : IBinaryOp
    {
        public float Apply(float a, float b) => a / b;
        public Vector<float> Apply(Vector<float> a, Vector<float> b) => a / b;
    }

    private enum Comparison { Greater, GreaterOrEqual, Less, LessOrEqual, Equal, NotEqual }

    private readonly struct CompareOp(Comparison comparison) : IBinaryOp
    {
        public float Apply(float a, float b) => Test(a, b) ? 1f : 0f;

        public Vector<float> Apply(Vector<float> a, Vector<float> b)
        {
            var mask = comparison switch
            {
                Comparison.Greater => Vector.GreaterThan(a, b),
                Comparison.GreaterOrEqual => Vector.GreaterThanOrEqual(a, b),
                Comparison.Less => Vector.LessThan(a, b),
                Comparison.LessOrEqual => Vector.LessThanOrEqual(a, b),
                Comparison.Equal => Vector.Equals(a, b),
                _ => ~Vector.Equals(a, b),
            };
            return Vector.ConditionalSelect(mask, Vector<float>.One, Vector<float>.Zero);
        }

        private bool Test(float a, float b) => comparison switch
        {
            Comparison.Greater => a > b,
            Comparison.GreaterOrEqual => a >= b,
            Comparison.Less => a < b,
            Comparison.LessOrEqual => a <= b,
            Comparison.Equal => a == b,
            _ => a != b,
        };
    }

    private readonly struct WhereOp(float other) : IBinaryOp
    {
        public float Apply(float condition, float x) => condition != 0f ? x : other;
        public Vector<float> Apply(Vector<float> condition, Vector<float> x) =>
            Vector.ConditionalSelect(Vector.Equals(condition, Vector<float>.Zero), new Vector<float>(other), x);
    }

    private readonly struct NegOp : IUnaryOp
    {
        public float Apply(float x) => -x;
        public Vector<float> Apply(Vector<float> x) => -x;
    }

    private readonly struct AbsOp : IUnaryOp
    {
        public float Apply(float x) => MathF.Abs(x);
        public Vector<float> Apply(Vector<float> x) => Vector.Abs(x);
    }

    private readonly struct SqrtOp : IUnaryOp
    {
        public float Apply(float x) => MathF.Sqrt(x);
        public Vector<float> Apply(Vector<float> x) => Vector.SquareRoot(x);
    }

    private readonly struct ExpOp : IUnaryOp
    {
        public float Apply(float x) => MathF.Exp(x);
        public Vector<float> Apply(Vector<float> x) => Vector.Exp(x);
    }

    private readonly struct LogOp : IUnaryOp
    {
        public float Apply(float x) => MathF.Log(x);
        public Vector<float> Apply(Vector<float> x) => Vector.Log(x);
    }

    private readonly struct PowOp(float exponent) : IUnaryOp
    {
        public float Apply(float x) => exponent == 2f ? x * x : MathF.Pow(x, exponent);

        public Vector<float> Apply(Vector<float> x)
        {
            if (exponent == 2f) return x * x;
            Span<float> lanes = stackalloc float[Vector<float>.Count];
            x.CopyTo(lanes);
            for (int i = 0; i < lanes.Length; i++) lanes[i] = MathF.Pow(lanes[i], exponent);
            return new Vector<float>(lanes);
        }
    }

    internal readonly struct ClampMinOp(float min) : IUnaryOp
    {
        // NaN stays NaN, as in PyTorch, so a diverging network is not hidden.
        public float Apply(float x) => float.IsNaN(x) ? x : MathF.Max(x, min);
        public Vector<float> Apply(Vector<float> x) =>
            Vector.ConditionalSelect(Vector.Equals(x, x), Vector.Max(x, new Vector<float>(min)), x);
    }
}

public sealed partial class Tensor
{
    /// <summary>this += alpha * other, in place (PyTorch's <c>add_(other, alpha=alpha)</c>); other broadcasts to this shape.</summary>
    public Tensor AddInPlace(Tensor other, float alpha = 1f)
    {
        Require.NotNull(other, "AddInPlace");
        PrepareWrite("AddInPlace");
        var target = Shapes.Broadcast(shape, other.shape, "AddInPlace");
        if (!target.AsSpan().SequenceEqual(shape))
            throw new ArgumentException($"AddInPlace: cannot broadcast {other.ShapeString} into {ShapeString} in place.");
        // Reading other while writing this is safe only if they are the same elements or share no storage.
        if (ReferenceEquals(Storage, other.Storage)
            && !(Offset == other.Offset && strides.AsSpan().SequenceEqual(other.BroadcastTo(shape, "AddInPlace").strides)))
            other = other.Clone();
        if (IsContiguous) Kernels.ZipInto(this, other, new ScaledAddOp(alpha), this, "AddInPlace");
        else CopyFrom(Kernels.Zip(this, other, new ScaledAddOp(alpha), "AddInPlace"));
        return this;
    }

    private readonly struct ScaledAddOp(float alpha) : IBinaryOp
    {
        public float Apply(float a, float b) => a + alpha * b;
        public Vector<float> Apply(Vector<float> a, Vector<float> b) => a + alpha * b;
    }
}
