using System.Numerics;
using System.Runtime.InteropServices;

namespace Foundations;

/// <summary>An elementwise function of one value, with a SIMD form for contiguous data.</summary>
internal interface IUnaryOp
{
    float Apply(float x);
    Vector<float> Apply(Vector<float> x);
}

/// <summary>An elementwise function of two values, with a SIMD form for contiguous data.</summary>
internal interface IBinaryOp
{
    float Apply(float a, float b);
    Vector<float> Apply(Vector<float> a, Vector<float> b);
}

/// <summary>
/// The two kernels every elementwise op is built from: map (one input) and zip (two inputs,
/// broadcast against each other). Each has a SIMD path for contiguous operands and a strided
/// path that walks any shape, including stride-0 broadcast dimensions.
/// </summary>
internal static class Kernels
{
    public static Tensor Map<TOp>(Tensor x, TOp op) where TOp : struct, IUnaryOp
    {
        var result = Tensor.Uninitialized(x.Shape, "Map");   // MapInto writes every element (its shape was already counted)
        MapInto(x, op, result);
        return result;
    }

    /// <summary>Writes op(x) into <paramref name="destination"/>, a contiguous tensor of x's shape.</summary>
    public static void MapInto<TOp>(Tensor x, TOp op, Tensor destination) where TOp : struct, IUnaryOp
    {
        destination.PrepareWrite("map");
        var output = destination.Storage.AsSpan(destination.Offset, destination.Count);
        if (x.IsContiguous)
        {
            var input = x.Storage.AsSpan(x.Offset, x.Count);
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var vin = MemoryMarshal.Cast<float, Vector<float>>(input);
                var vout = MemoryMarshal.Cast<float, Vector<float>>(output);
                for (int v = 0; v < vin.Length; v++) vout[v] = op.Apply(vin[v]);
                i = vin.Length * Vector<float>.Count;
            }
            for (; i < input.Length; i++) output[i] = op.Apply(input[i]);
            return;
        }
        int n = 0;
        foreach (int position in Shapes.Positions(x.shape, x.strides, x.Offset))
            output[n++] = op.Apply(x.Storage[position]);
    }

    public static Tensor Zip<TOp>(Tensor a, Tensor b, TOp op, string operation) where TOp : struct, IBinaryOp
    {
        Require.NotNull(b, operation, "other");
        var result = Tensor.Uninitialized(Shapes.Broadcast(a.shape, b.shape, operation), operation);   // ZipInto writes every element
        ZipInto(a, b, op, result, operation);
        return result;
    }

    /// <summary>Writes op(a, b) into <paramref name="destination"/>, a contiguous tensor of the broadcast shape.</summary>
    public static void ZipInto<TOp>(Tensor a, Tensor b, TOp op, Tensor destination, string operation) where TOp : struct, IBinaryOp
    {
        destination.PrepareWrite(operation);
        int[] shape = destination.shape;
        var output = destination.Storage.AsSpan(destination.Offset, destination.Count);
        bool sameShape = a.shape.AsSpan().SequenceEqual(shape) && b.shape.AsSpan().SequenceEqual(shape);
        if (sameShape && a.IsContiguous && b.IsContiguous)
        {
            ZipContiguous(a.Storage.AsSpan(a.Offset, output.Length), b.Storage.AsSpan(b.Offset, output.Length), output, op);
            return;
        }
        if (b.Count == 1 && a.shape.AsSpan().SequenceEqual(shape) && a.IsContiguous)
        {
            ZipScalar(a.Storage.AsSpan(a.Offset, output.Length), b.Storage[b.Offset], output, op);
            return;
        }
        int[] sa = Shapes.BroadcastStrides(a.shape, a.strides, shape, operation);
        int[] sb = Shapes.BroadcastStrides(b.shape, b.strides, shape, operation);
        ZipStrided(a.Storage, a.Offset, sa, b.Storage, b.Offset, sb, shape, output, op);
    }

    private static void ZipContiguous<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> output, TOp op) where TOp : struct, IBinaryOp
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
            var vo = MemoryMarshal.Cast<float, Vector<float>>(output);
            for (int v = 0; v < va.Length; v++) vo[v] = op.Apply(va[v], vb[v]);
            i = va.Length * Vector<float>.Count;
        }
        for (; i < a.Length; i++) output[i] = op.Apply(a[i], b[i]);
    }

    private static void ZipScalar<TOp>(ReadOnlySpan<float> a, float b, Span<float> output, TOp op) where TOp : struct, IBinaryOp
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vo = MemoryMarshal.Cast<float, Vector<float>>(output);
            var vb = new Vector<float>(b);
            for (int v = 0; v < va.Length; v++) vo[v] = op.Apply(va[v], vb);
            i = va.Length * Vector<float>.Count;
        }
        for (; i < a.Length; i++) output[i] = op.Apply(a[i], b);
    }

    /// <summary>op with its operands swapped, so that ZipScalar serves a scalar on either side.</summary>
    private readonly struct Flipped<TOp>(TOp op) : IBinaryOp where TOp : struct, IBinaryOp
    {
        public float Apply(float a, float b) => op.Apply(b, a);
        public Vector<float> Apply(Vector<float> a, Vector<float> b) => op.Apply(b, a);
    }

    // Walks the output in row-major order, one innermost row at a time. A row whose operands are
    // each contiguous or one repeated value (a bias added to every row of a batch, a column of
    // means taken from every column) goes through the SIMD loops; any other row is a loop over two strides.
    private static void ZipStrided<TOp>(float[] a, int offsetA, int[] sa, float[] b, int offsetB, int[] sb, int[] shape, Span<float> output, TOp op)
        where TOp : struct, IBinaryOp
    {
        if (output.Length == 0) return;
        int rank = shape.Length;
        if (rank == 0) { output[0] = op.Apply(a[offsetA], b[offsetB]); return; }
        int inner = shape[rank - 1], strideA = sa[rank - 1], strideB = sb[rank - 1];
        var index = new int[rank];
        int pa = offsetA, pb = offsetB;
        for (int o = 0; o < output.Length; o += inner)
        {
            var row = output.Slice(o, inner);
            if (strideA == 1 && strideB == 1) ZipContiguous(a.AsSpan(pa, inner), b.AsSpan(pb, inner), row, op);
            else if (strideA == 1 && strideB == 0) ZipScalar(a.AsSpan(pa, inner), b[pb], row, op);
            else if (strideA == 0 && strideB == 1) ZipScalar(b.AsSpan(pb, inner), a[pa], row, new Flipped<TOp>(op));
            else for (int j = 0; j < inner; j++) row[j] = op.Apply(a[pa + j * strideA], b[pb + j * strideB]);
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++index[d] < shape[d]) { pa += sa[d]; pb += sb[d]; break; }
                pa -= sa[d] * (shape[d] - 1);
                pb -= sb[d] * (shape[d] - 1);
                index[d] = 0;
            }
        }
    }
}
