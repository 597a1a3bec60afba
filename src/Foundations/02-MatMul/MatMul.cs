using System.Numerics;
using Foundations.Engine;

namespace Foundations;

/// <summary>
/// Chapter 2's ladder of matrix multiplications, slowest to fastest. Every version takes an
/// (m, k) and a (k, n) tensor and returns a new (m, n) tensor, and all are tested against the same
/// reference. <see cref="Tensor.MatMul(Tensor)"/> uses <see cref="Blocked"/>.
/// </summary>
/// <remarks>
/// The last rung, <see cref="Blocked"/>, hands the product to the engine (src/Foundations.Engine,
/// <see cref="Gemm"/>): packed, register- and cache-blocked micro-kernels on a team of threads. It
/// is called in one place, <see cref="IntoChecked"/>, the way MathNet calls its linear-algebra
/// provider: the tensor is taken apart into storage, offset and strides, and the engine sees only
/// spans and integers.
/// </remarks>
public static class MatMulLadder
{
    /// <summary>Three nested loops, one element at a time: c[i,j] += a[i,k] * b[k,j].</summary>
    public static Tensor Naive(Tensor a, Tensor b)
    {
        var (m, k, n) = CheckShapes(a, b, "MatMulLadder.Naive");
        var c = Tensor.Zeros(m, n);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                for (int p = 0; p < k; p++)
                    c[i, j] += a[i, p] * b[p, j];
        return c;
    }

    /// <summary>The innermost loop becomes one elementwise product of row i and column j, then a sum.</summary>
    public static Tensor RowTimesColumn(Tensor a, Tensor b)
    {
        var (m, _, n) = CheckShapes(a, b, "MatMulLadder.RowTimesColumn");
        var c = Tensor.Zeros(m, n);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                c[i, j] = (a[i] * b[.., j]).Sum().Item();
        return c;
    }

    /// <summary>Two loops go: row i of a, as a (k, 1) column, broadcasts against all of b; summing over k gives row i of c.</summary>
    public static Tensor Broadcast(Tensor a, Tensor b)
    {
        var (m, _, n) = CheckShapes(a, b, "MatMulLadder.Broadcast");
        var c = Tensor.Zeros(m, n);
        for (int i = 0; i < m; i++)
            c[i] = (a[i].Unsqueeze(-1) * b).Sum(0);
        return c;
    }

    /// <summary>The i-k-j loop order with <c>Vector&lt;float&gt;</c>: each a[i,p] scales a whole row of b at once.</summary>
    public static Tensor Simd(Tensor a, Tensor b)
    {
        var (m, k, n) = CheckShapes(a, b, "MatMulLadder.Simd");
        var c = Tensor.Zeros(m, n);
        SimdInto(a.Storage, a.Offset, a.strides[0], a.strides[1],
            b.Storage, b.Offset, b.strides[0], b.strides[1], c.Storage, c.Offset, m, k, n);
        return c;
    }

    /// <summary>
    /// The loop behind <see cref="Simd"/>: c[cOffset + i*n + j] = Σ_p a[i, p] · b[p, j], where
    /// a[i, p] = a[aOffset + i*aRowStride + p*aColStride] and b likewise. Row i of C accumulates
    /// a[i,p] times row p of B, one Vector&lt;float&gt; at a time. No blocking, no packing beyond
    /// making B's rows contiguous.
    /// </summary>
    internal static void SimdInto(
        float[] a, int aOffset, int aRowStride, int aColStride,
        float[] b, int bOffset, int bRowStride, int bColStride,
        float[] c, int cOffset, int m, int k, int n)
    {
        // An empty product has nothing to write, and an empty b may have no row p to take a span of.
        if (m == 0 || n == 0) return;
        if (bColStride != 1)
        {
            var dense = new float[k * n];
            for (int p = 0; p < k; p++)
                for (int j = 0; j < n; j++)
                    dense[p * n + j] = b[bOffset + p * bRowStride + j * bColStride];
            (b, bOffset, bRowStride, bColStride) = (dense, 0, n, 1);
        }

        int width = Vector<float>.Count;
        for (int i = 0; i < m; i++)
        {
            var cRow = c.AsSpan(cOffset + i * n, n);
            cRow.Clear();
            for (int p = 0; p < k; p++)
            {
                float aip = a[aOffset + i * aRowStride + p * aColStride];
                var bRow = b.AsSpan(bOffset + p * bRowStride, n);
                var aVector = new Vector<float>(aip);
                int j = 0;
                for (; j <= n - width; j += width)
                    (new Vector<float>(cRow[j..]) + aVector * new Vector<float>(bRow[j..])).CopyTo(cRow[j..]);
                for (; j < n; j++)
                    cRow[j] += aip * bRow[j];
            }
        }
    }

    /// <summary>Packed, register-blocked and cache-blocked, on every core: the library's default.</summary>
    public static Tensor Blocked(Tensor a, Tensor b) => BlockedOn(a, b, parallel: true);

    /// <summary>
    /// Which micro-kernel <see cref="Blocked"/> runs for an (m, k)·(k, n) product on this machine, and
    /// the width of the vectors it works on (0 bits for the portable loop): "AVX-512 14×32" where
    /// 512-bit vectors are available and the result fills its tiles well enough, else "AVX2 6×16".
    /// A GFLOPS figure means most next to the measured peak (<see cref="Peak"/>) for that width.
    /// The engine makes the choice (<see cref="Gemm.Choose"/>); this only names it.
    /// </summary>
    public static (string Kernel, int VectorBits) BlockedKernel(int m, int n)
    {
        if (m < 0 || n < 0) throw new ArgumentOutOfRangeException(m < 0 ? nameof(m) : nameof(n), $"MatMulLadder.BlockedKernel: sizes must not be negative, got m = {m}, n = {n}.");
        var kernel = Gemm.Choose(m, n);
        var (rows, columns) = Gemm.Tile(kernel);
        return kernel switch
        {
            GemmKernel.Avx512 => ($"AVX-512 {rows}×{columns}", 512),
            GemmKernel.Avx2 => ($"AVX2 {rows}×{columns}", 256),
            _ => ("portable", 0),
        };
    }

    /// <summary>The same kernel as <see cref="Blocked"/> on one thread, to show what the cores add.</summary>
    public static Tensor BlockedSingleThread(Tensor a, Tensor b) => BlockedOn(a, b, parallel: false);

    private static Tensor BlockedOn(Tensor a, Tensor b, bool parallel)
    {
        var (m, _, n) = CheckShapes(a, b, parallel ? "MatMulLadder.Blocked" : "MatMulLadder.BlockedSingleThread");
        var c = Tensor.Uninitialized([m, n], parallel ? "MatMulLadder.Blocked" : "MatMulLadder.BlockedSingleThread");   // Into overwrites every element, zeros when k = 0
        Into(a, b, c, parallel);
        return c;
    }

    /// <summary>MathNet.Numerics' <c>Matrix&lt;float&gt;</c> product (its managed provider unless a native one is loaded).</summary>
    public static Tensor MathNet(Tensor a, Tensor b)
    {
        CheckShapes(a, b, "MatMulLadder.MathNet");
        return (a.ToMatrix() * b.ToMatrix()).ToTensor();
    }

    /// <summary>Writes a @ b into <paramref name="destination"/> (a contiguous (m, n) tensor), overwriting it.</summary>
    internal static void Into(Tensor a, Tensor b, Tensor destination, bool parallel = true) =>
        IntoChecked(a, b, destination, parallel, accumulate: false, "MatMulLadder.Into");

    /// <summary>
    /// destination += a @ b (PyTorch's <c>destination.addmm_(a, b)</c>), in the product's own loop: no
    /// (m, n) temporary. Autograd adds a weight's gradient xᵀ @ g into its Grad this way.
    /// </summary>
    internal static void AddInto(Tensor a, Tensor b, Tensor destination, bool parallel = true) =>
        IntoChecked(a, b, destination, parallel, accumulate: true, "MatMulLadder.AddInto");

    private static void IntoChecked(Tensor a, Tensor b, Tensor destination, bool parallel, bool accumulate, string operation)
    {
        var (m, k, n) = CheckShapes(a, b, operation);
        Require.NotNull(destination, operation);
        if (destination.Rank != 2 || destination.shape[0] != m || destination.shape[1] != n || !destination.IsContiguous)
            throw new ArgumentException($"{operation}: destination must be a contiguous ({m}, {n}) tensor, got shape {destination.ShapeString}.");
        if (ReferenceEquals(destination.Storage, a.Storage) || ReferenceEquals(destination.Storage, b.Storage))
            throw new ArgumentException($"{operation}: the destination shares storage with an operand; the product would overwrite its own input.");
        destination.PrepareWrite(operation);
        // The one call into the engine: element (i, p) of a is a.Storage[a.Offset + i·strides[0] + p·strides[1]],
        // b likewise, and the destination's rows are n apart from its offset on.
        Gemm.Multiply(a.Storage, a.Offset, a.strides[0], a.strides[1],
            b.Storage, b.Offset, b.strides[0], b.strides[1],
            destination.Storage.AsSpan(destination.Offset, m * n), ldc: n, m, k, n, accumulate, parallel);
    }

    /// <summary>Checks both operands are matrices whose inner dimensions agree; returns (m, k, n).</summary>
    internal static (int M, int K, int N) CheckShapes(Tensor a, Tensor b, string operation)
    {
        Require.NotNull(a, operation);
        Require.NotNull(b, operation);
        if (a.Rank != 2 || b.Rank != 2)
            throw new ArgumentException($"{operation}: expects two matrices (rank 2), got shapes {a.ShapeString} and {b.ShapeString}; use Unsqueeze to turn a vector into a matrix.");
        if (a.shape[1] != b.shape[0])
            throw new ArgumentException($"{operation}: cannot multiply {a.ShapeString} by {b.ShapeString}: the inner dimensions {a.shape[1]} and {b.shape[0]} differ.");
        return (a.shape[0], a.shape[1], b.shape[1]);
    }
}

public sealed partial class Tensor
{
    /// <summary>Matrix product, PyTorch's <c>a @ b</c>: the fast blocked, parallel version.</summary>
    public Tensor MatMul(Tensor other)
    {
        var result = MatMulLadder.Blocked(this, other);
        return Autograd.ShouldRecord(this, other) ? Derivatives.MatMul(result, this, other) : result;
    }
}
