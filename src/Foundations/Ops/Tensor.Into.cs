using System.Numerics;

namespace Foundations;

// Versions of existing operations that write their result into a tensor the caller already has
// (PyTorch's out= argument), so a training loop can reuse one buffer per step instead of
// allocating. Each returns the destination, which must be contiguous and have exactly the shape
// the allocating version would return.
public sealed partial class Tensor
{
    /// <summary>destination = this + other, with broadcasting (PyTorch's <c>torch.add(a, b, out=destination)</c>).</summary>
    public Tensor AddInto(Tensor other, Tensor destination) => ZipIntoChecked(other, new AddOp(), destination, "AddInto");

    /// <summary>destination = this - other, with broadcasting.</summary>
    public Tensor SubInto(Tensor other, Tensor destination) => ZipIntoChecked(other, new SubOp(), destination, "SubInto");

    /// <summary>destination = this * other, with broadcasting.</summary>
    public Tensor MulInto(Tensor other, Tensor destination) => ZipIntoChecked(other, new MulOp(), destination, "MulInto");

    /// <summary>destination = this / other, with broadcasting.</summary>
    public Tensor DivInto(Tensor other, Tensor destination) => ZipIntoChecked(other, new DivOp(), destination, "DivInto");

    /// <summary>destination = 1 where this &gt; other, else 0, with broadcasting.</summary>
    public Tensor GtInto(Tensor other, Tensor destination) =>
        ZipIntoChecked(other, new CompareOp(Comparison.Greater), destination, "GtInto");

    /// <summary>destination = max(this, min) elementwise.</summary>
    public Tensor ClampMinInto(float min, Tensor destination)
    {
        CheckDestination(destination, shape, "ClampMinInto");
        Kernels.MapInto(SafeToRead(destination), new ClampMinOp(min), destination);
        return destination;
    }

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

    /// <summary>As <see cref="Where(Tensor, Tensor, float)"/>, written into <paramref name="destination"/>.</summary>
    public static Tensor WhereInto(Tensor condition, Tensor x, float other, Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return condition.ZipIntoChecked(x, new WhereOp(other), destination, "WhereInto");
    }

    /// <summary>
    /// Sum over <paramref name="dim"/> written into <paramref name="destination"/>, whose shape is this
    /// shape without that dim (or with it kept as size 1). Accumulates in double, as <see cref="Sum(int, bool)"/>.
    /// </summary>
    public Tensor SumInto(int dim, Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (Rank == 0)
            throw new ArgumentException("SumInto: a 0-dimensional tensor has no dim to sum over; use Sum().");
        int d = NormalizeDim(dim, "SumInto");
        var removed = shape.Where((_, k) => k != d).ToArray();
        var kept = shape.Select((s, k) => k == d ? 1 : s).ToArray();
        if (!destination.shape.AsSpan().SequenceEqual(removed) && !destination.shape.AsSpan().SequenceEqual(kept))
            throw new ArgumentException($"SumInto: summing {ShapeString} over dim {dim} gives shape {Shapes.Format(removed)} (or {Shapes.Format(kept)}), but the destination has shape {destination.ShapeString}.");
        CheckWritableContiguous(destination, "SumInto");
        if (ReferenceEquals(destination.Storage, Storage))
            throw new ArgumentException("SumInto: the destination shares storage with the tensor being summed; the sums would overwrite their own input.");
        int size = shape[d], outer = Shapes.Count(shape.AsSpan(0, d)), inner = Shapes.Count(shape.AsSpan(d + 1));
        var source = Contiguous();
        ReduceLines(source.Storage, source.Offset, outer, size, inner, destination.Storage.AsSpan(destination.Offset, destination.Count), Accumulate.Sum);
        return destination;
    }

    private Tensor ZipIntoChecked<TOp>(Tensor other, TOp op, Tensor destination, string operation) where TOp : struct, IBinaryOp
    {
        ArgumentNullException.ThrowIfNull(other);
        CheckDestination(destination, Shapes.Broadcast(shape, other.shape, operation), operation);
        Kernels.ZipInto(SafeToRead(destination), other.SafeToRead(destination), op, destination, operation);
        return destination;
    }

    private static void CheckDestination(Tensor destination, int[] expected, string operation)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.shape.AsSpan().SequenceEqual(expected))
            throw new ArgumentException($"{operation}: the result has shape {Shapes.Format(expected)} but the destination has shape {destination.ShapeString}.");
        CheckWritableContiguous(destination, operation);
    }

    private static void CheckWritableContiguous(Tensor destination, string operation)
    {
        destination.PrepareWrite(operation);
        if (!destination.IsContiguous)
            throw new ArgumentException($"{operation}: the destination must be contiguous, but its shape {destination.ShapeString} has strides {Shapes.Format(destination.strides)}.");
    }

    // An elementwise kernel reads element i before it writes element i, so an operand that is the very
    // same elements as the destination is safe; one that only overlaps it is copied first.
    private Tensor SafeToRead(Tensor destination) =>
        !ReferenceEquals(Storage, destination.Storage)
        || (Offset == destination.Offset && shape.AsSpan().SequenceEqual(destination.shape) && strides.AsSpan().SequenceEqual(destination.strides))
            ? this
            : Clone();

    private readonly struct WhereOp(float other) : IBinaryOp
    {
        public float Apply(float condition, float x) => condition != 0f ? x : other;
        public Vector<float> Apply(Vector<float> condition, Vector<float> x) =>
            Vector.ConditionalSelect(Vector.Equals(condition, Vector<float>.Zero), new Vector<float>(other), x);
    }
}
