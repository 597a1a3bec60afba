using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Foundations.Engine.Tests;

/// <summary>
/// The test assembly's entry point. The test runner loads this assembly as a library and never
/// calls it; <c>dotnet Foundations.Engine.Tests.dll kernel-check</c> runs <see cref="KernelCheck"/>, which is
/// how <see cref="GemmKernelProcessTests"/> checks the GEMM in processes started with some
/// instruction sets switched off.
/// </summary>
internal static class TestAssemblyProgram
{
    public static int Main(string[] args) => args is ["kernel-check"] ? KernelCheck.Run(Console.Out) : 0;
}

/// <summary>
/// The engine's GEMM, with whatever micro-kernel this process picks, on one thread and on all,
/// overwriting and accumulating, against a double-precision triple loop. Operands are multiples of
/// 1/64 in [-2, 2], so for k ≤ 1000 every partial sum is exact in float32 and results must match
/// the reference exactly, whatever the summation order.
/// </summary>
internal static class KernelCheck
{
    // (m, k, n): a tile, odd sizes, 1×n and n×1, large enough to run in parallel, k = 0, n = 0, m = 0.
    private static readonly (int M, int K, int N)[] Shapes =
    [
        (1, 1, 1), (7, 13, 17), (15, 33, 33), (1, 300, 37), (37, 300, 1), (29, 257, 65),
        (130, 520, 90), (5, 0, 7), (5, 3, 0), (0, 3, 5),
    ];

    // The strides a tensor view hands the engine: its own rows, a transpose, a slice with an
    // offset and wider rows, and one row broadcast to every row.
    private static readonly string[] Layouts = ["row-major", "transposed", "sliced", "expanded"];

    /// <summary>A strided matrix: element (i, j) is Data[Offset + i·RowStride + j·ColStride].</summary>
    private sealed record Matrix(float[] Data, int Offset, int RowStride, int ColStride, int Rows, int Cols)
    {
        public float this[int i, int j] => Data[Offset + i * RowStride + j * ColStride];
    }

    /// <summary>Writes the kernel chosen and any mismatch to <paramref name="output"/>; returns 0 when all match.</summary>
    public static int Run(TextWriter output)
    {
        output.WriteLine($"kernel={Gemm.Best} vector512={Vector512.IsHardwareAccelerated} " +
            $"avx512f={Avx512F.IsSupported} avx2={Avx2.IsSupported} fma={Fma.IsSupported} avx={Avx.IsSupported}");
        var random = new Random(12);
        int cases = 0, failures = 0;
        foreach (var (m, k, n) in Shapes)
            foreach (string aLayout in Layouts)
                foreach (string bLayout in Layouts)
                {
                    Matrix a = Make(random, m, k, aLayout), b = Make(random, k, n, bLayout);
                    var expected = Reference(a, b);
                    foreach (var (name, multiply) in Versions)
                    {
                        cases++;
                        string? problem = Compare(expected, multiply(a, b), m, n);
                        if (problem is null) continue;
                        failures++;
                        output.WriteLine($"FAIL {name}: ({m}, {k}) {aLayout} @ ({k}, {n}) {bLayout}: {problem}");
                    }
                }
        output.WriteLine($"{cases - failures}/{cases} cases match");
        return failures == 0 ? 0 : 1;
    }

    private static readonly (string Name, Func<Matrix, Matrix, float[]> Multiply)[] Versions =
    [
        ("Multiply, parallel", (a, b) => Multiply(a, b, parallel: true, accumulate: false)),
        ("Multiply, single thread", (a, b) => Multiply(a, b, parallel: false, accumulate: false)),
        ("Multiply accumulating onto zeros, parallel", (a, b) => Multiply(a, b, parallel: true, accumulate: true)),
        ("Multiply accumulating onto zeros, single thread", (a, b) => Multiply(a, b, parallel: false, accumulate: true)),
    ];

    // Overwriting, C starts full of NaN: anything accumulated into it, or left unwritten, shows.
    // Accumulating, it starts at zero, so the result is the product itself.
    private static float[] Multiply(Matrix a, Matrix b, bool parallel, bool accumulate)
    {
        int m = a.Rows, k = a.Cols, n = b.Cols;
        var c = new float[m * n];
        if (!accumulate) Array.Fill(c, float.NaN);
        Gemm.Multiply(a.Data, a.Offset, a.RowStride, a.ColStride, b.Data, b.Offset, b.RowStride, b.ColStride,
            c, ldc: n, m, k, n, accumulate, parallel);
        return c;
    }

    private static Matrix Make(Random random, int rows, int cols, string layout) => layout switch
    {
        "row-major" => new Matrix(Values(random, rows * cols), 0, cols, 1, rows, cols),
        "transposed" => new Matrix(Values(random, rows * cols), 0, 1, rows, rows, cols),
        "sliced" => new Matrix(Values(random, (rows + 1) * (cols + 3)), cols + 3 + 2, cols + 3, 1, rows, cols),
        _ => new Matrix(Values(random, cols), 0, 0, 1, rows, cols),
    };

    private static float[] Values(Random random, int count)
    {
        var data = new float[count];
        for (int i = 0; i < data.Length; i++) data[i] = random.Next(-128, 129) / 64f;
        return data;
    }

    private static double[] Reference(Matrix a, Matrix b)
    {
        int m = a.Rows, k = a.Cols, n = b.Cols;
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                for (int p = 0; p < k; p++)
                    c[i * n + j] += (double)a[i, p] * b[p, j];
        return c;
    }

    private static string? Compare(double[] expected, float[] actual, int m, int n)
    {
        if (actual.Length != m * n) return $"{actual.Length} elements, expected {m * n}";
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                if (actual[i * n + j] != expected[i * n + j])
                    return $"c[{i},{j}] = {actual[i * n + j]}, expected {expected[i * n + j]}";
        return null;
    }
}
