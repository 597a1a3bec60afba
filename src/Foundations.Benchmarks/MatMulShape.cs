using Foundations.Engine;

namespace Foundations.Benchmarks;

/// <summary>
/// One matrix product C (m×n) = A (m×k) · B (k×n), with row-major operands ready to use: as
/// tensors for the library's <c>a.MatMul(b)</c>, and as the same values in plain arrays for the
/// engine's span call into a preallocated array.
/// </summary>
public sealed class MatMulShape
{
    public MatMulShape(int m, int k, int n)
    {
        (M, K, N) = (m, k, n);
        var random = new Random(m * 31 + k * 17 + n);
        AValues = Fill(random, m * k);
        BValues = Fill(random, k * n);
        A = Tensor.FromArray(AValues, m, k);
        B = Tensor.FromArray(BValues, k, n);
        C = new float[m * n];
    }

    public int M { get; }
    public int K { get; }
    public int N { get; }
    public Tensor A { get; }
    public Tensor B { get; }

    /// <summary>A's values, row-major: element (i, p) at i·k + p.</summary>
    public float[] AValues { get; }

    /// <summary>B's values, row-major: element (p, j) at p·n + j.</summary>
    public float[] BValues { get; }

    /// <summary>The preallocated destination of <see cref="Into"/>, row-major.</summary>
    public float[] C { get; }

    /// <summary>Two flops (a multiply and an add) per term of each of the m·n dot products.</summary>
    public double Flops => 2.0 * M * K * N;

    /// <summary>The engine's product on one thread or on all cores, overwriting the preallocated C.</summary>
    public void Into(bool parallel) =>
        Gemm.Multiply(AValues, 0, K, 1, BValues, 0, N, 1, C, ldc: N, M, K, N, parallel: parallel);

    /// <summary>The product as a new tensor, as <c>a @ b</c> returns one.</summary>
    public Tensor Allocating() => A.MatMul(B);

    /// <summary>The benchmarked shapes: a large square one, then the chapter's two small ones
    /// (a 5-image batch through a 784→10 layer, and the 200×100·100×50 example).</summary>
    public static IReadOnlyList<MatMulShape> All { get; } = [new(1024, 1024, 1024), new(5, 784, 10), new(200, 100, 50)];

    public override string ToString() => $"{M}x{K}x{N}";

    private static float[] Fill(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
