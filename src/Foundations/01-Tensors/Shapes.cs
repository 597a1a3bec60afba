namespace Foundations;

/// <summary>
/// Small pure functions over shapes and strides. Broadcasting lives here: a dimension of size 1
/// is stretched by giving it stride 0, so no data is copied.
/// </summary>
public static class Shapes
{
    /// <summary>The number of elements of <paramref name="shape"/>; throws if a size is negative or the count does not fit in an int.</summary>
    public static int Count(ReadOnlySpan<int> shape) => Count(shape, "Count");

    /// <summary>
    /// As <see cref="Count(ReadOnlySpan{int})"/>, naming <paramref name="operation"/> in errors. The product of
    /// the non-zero sizes must fit in an int even when a size is 0, so that contiguous strides cannot overflow.
    /// </summary>
    public static int Count(ReadOnlySpan<int> shape, string operation)
    {
        long product = 1;
        bool empty = false;
        foreach (int size in shape)
        {
            if (size < 0) throw new ArgumentException($"{operation}: shape {Format(shape)} has a negative size.");
            if (size == 0) { empty = true; continue; }
            // Checked after every factor: four int sizes can overflow a long (65536^4 wraps to 0).
            product *= size;
            if (product > int.MaxValue)
                throw new ArgumentException(empty || shape.Contains(0)
                    ? $"{operation}: shape {Format(shape)} is too large: its non-zero sizes multiply to more than {int.MaxValue}, so its strides overflow."
                    : $"{operation}: shape {Format(shape)} has more than {int.MaxValue} elements.");
        }
        return empty ? 0 : (int)product;
    }

    public static int[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int stride = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = stride;
            stride = checked(stride * Math.Max(shape[d], 1));
        }
        return strides;
    }

    public static bool IsContiguous(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides)
    {
        // An empty tensor has no elements out of order, whatever its strides say (as in PyTorch).
        if (shape.Contains(0)) return true;
        int expected = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] == 1) continue;
            if (strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /// <summary>"(5, 784)", PyTorch's way of writing a shape; "()" for a scalar.</summary>
    public static string Format(ReadOnlySpan<int> shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape.ToArray()) + ")";

    /// <summary>Returns a copy of <paramref name="shape"/> after checking no size is negative and the count fits in an int.</summary>
    public static int[] Checked(int[] shape, string operation)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Count(shape, operation);
        return (int[])shape.Clone();
    }

    /// <summary>True when two elements share one storage position: a stride 0 on a dimension of size over 1.</summary>
    internal static bool HasExpandedDimension(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides)
    {
        for (int d = 0; d < shape.Length; d++)
            if (strides[d] == 0 && shape[d] > 1) return true;
        return false;
    }

    /// <summary>
    /// The shape two operands broadcast to: align from the right; sizes must match or one of them be 1.
    /// </summary>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b, string operation)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 1; i <= rank; i++)
        {
            int sa = i <= a.Length ? a[^i] : 1;
            int sb = i <= b.Length ? b[^i] : 1;
            if (sa != sb && sa != 1 && sb != 1)
                throw new ArgumentException($"{operation}: cannot broadcast {Format(a)} with {Format(b)} (dimension {rank - i}: {sa} vs {sb}).");
            result[rank - i] = sa == 1 ? sb : sa;
        }
        return result;
    }

    /// <summary>
    /// Strides that read a tensor of <paramref name="shape"/> as if it had <paramref name="target"/> shape:
    /// missing leading dims and stretched size-1 dims get stride 0.
    /// </summary>
    public static int[] BroadcastStrides(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, ReadOnlySpan<int> target, string operation)
    {
        if (shape.Length > target.Length)
            throw new ArgumentException($"{operation}: cannot broadcast {Format(shape)} to {Format(target)} (more dimensions).");
        var result = new int[target.Length];
        int lead = target.Length - shape.Length;
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] == target[lead + d]) result[lead + d] = strides[d];
            else if (shape[d] == 1) result[lead + d] = 0;
            else throw new ArgumentException($"{operation}: cannot broadcast {Format(shape)} to {Format(target)} (dimension {d}: {shape[d]} vs {target[lead + d]}).");
        }
        return result;
    }

    /// <summary>The storage position of every element, in row-major order.</summary>
    public static IEnumerable<int> Positions(int[] shape, int[] strides, int offset)
    {
        // Checked here, not on the first MoveNext: an iterator would report a null only when enumerated.
        Require.NotNull(shape, "Positions");
        Require.NotNull(strides, "Positions");
        if (strides.Length != shape.Length)
            throw new ArgumentException($"Positions: shape {Format(shape)} and strides ({string.Join(", ", strides)}) differ in rank.");
        return WalkPositions(shape, strides, offset);
    }

    private static IEnumerable<int> WalkPositions(int[] shape, int[] strides, int offset)
    {
        int count = Count(shape);
        if (count == 0) yield break;
        var index = new int[shape.Length];
        int position = offset;
        for (int n = 0; n < count; n++)
        {
            yield return position;
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d]) { position += strides[d]; break; }
                position -= strides[d] * (shape[d] - 1);
                index[d] = 0;
            }
        }
    }
}
