namespace Foundations.Benchmarks;

/// <summary>One matrix product C (m×n) = A (m×k) · B (k×n), with row-major operands ready to use.</summary>
public sealed class MatMulShape
{
    public MatMulShape(int m, int k, int n)
    {
        (M, K, N) = (m, k, n);
        var random = new Random(m * 31 + k * 17 + n);
        A = Tensor.FromArray(Fill(random, m * k), m, k);
        B = Tensor.FromArray(Fill(random, k * n), k, n);
        C = Tensor.Zeros(m, n);
    }

    public int M { get; }
    public int K { get; }
    public int N { get; }
    public Tensor A { get; }
    public Tensor B { get; }

    /// <summary>The preallocated destination of <see cref="Into"/>.</summary>
    public Tensor C { get; }

    /// <summary>Two flops (a multiply and an add) per term of each of the m·n dot products.</summary>
    public double Flops => 2.0 * M * K * N;

    /// <summary>The product on one thread or on all cores, overwriting C.</summary>
    public void Into(bool parallel) => MatMul.Into(A, B, C, parallel);

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
